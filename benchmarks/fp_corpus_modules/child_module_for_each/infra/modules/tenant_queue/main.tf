terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "name" {
  description = "Queue name, environment included"
  type        = string

  validation {
    condition     = length(var.name) <= 75
    error_message = "SQS queue names are at most 80 characters, and the DLQ adds \"-dlq\"."
  }
}

variable "kms_key_arn" {
  description = "Customer key for the queues"
  type        = string
}

variable "alarm_topic_arn" {
  description = "Topic the backlog alarm notifies"
  type        = string
}

variable "max_backlog" {
  type    = number
  default = 100
}

resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name}-dlq"
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600
}

resource "aws_sqs_queue" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_cloudwatch_metric_alarm" "backlog" {
  alarm_name          = "${var.name}-backlog"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.this.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.max_backlog
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
}

output "queue_url" {
  value = aws_sqs_queue.this.id
}

output "queue_arn" {
  value = aws_sqs_queue.this.arn
}
