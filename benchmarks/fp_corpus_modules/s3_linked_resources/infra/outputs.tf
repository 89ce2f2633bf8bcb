output "bucket_name" {
  description = "Name of the documents bucket"
  value       = aws_s3_bucket.documents.bucket
}

output "bucket_arn" {
  value = aws_s3_bucket.documents.arn
}

output "kms_key_arn" {
  value = aws_kms_key.documents.arn
}
