output "vpc_id" {
  description = "The VPC"
  value       = aws_vpc.main.id
}

output "private_subnet_cidrs" {
  description = "CIDR blocks of the private subnets"
  value       = aws_subnet.private[*].cidr_block
}

output "documents_bucket" {
  description = "Bucket for order documents"
  value       = aws_s3_bucket.documents.bucket
}

output "orders_queue_url" {
  description = "URL of the orders queue"
  value       = aws_sqs_queue.orders.url
}

output "alerts_topic_arn" {
  description = "Topic that receives the dead-letter alarm"
  value       = module.alerts.topic_arn
}
