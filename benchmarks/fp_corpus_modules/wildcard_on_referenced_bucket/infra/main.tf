# MISTAKE (expected findings): both policies grant every S3 action on the export bucket.
resource "aws_s3_bucket" "exports" {
  bucket_prefix = "exports-${var.environment}-"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["batch.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "export_job" {
  name               = "exports-job-${var.environment}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "export_job" {
  name = "exports-bucket-${var.environment}"
  role = aws_iam_role.export_job.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = [aws_s3_bucket.exports.arn, "${aws_s3_bucket.exports.arn}/*"]
    }]
  })
}

data "aws_iam_policy_document" "export_reader" {
  statement {
    actions   = ["s3:*"]
    resources = ["${aws_s3_bucket.exports.arn}/*"]
  }
}

resource "aws_iam_policy" "export_reader" {
  name   = "exports-reader-${var.environment}"
  policy = data.aws_iam_policy_document.export_reader.json
}

output "bucket" {
  value = aws_s3_bucket.exports.bucket
}
