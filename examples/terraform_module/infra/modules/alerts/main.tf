variable "name" {
  description = "Name of the topic and prefix of the alarm"
  type        = string
}

variable "kms_key_arn" {
  description = "Key that encrypts the topic"
  type        = string
}

variable "dlq_name" {
  description = "Dead-letter queue whose depth raises the alarm"
  type        = string
}

variable "alarm_threshold" {
  description = "Visible messages in the dead-letter queue that raise the alarm"
  type        = number
  validation {
    condition     = var.alarm_threshold > 0
    error_message = "alarm_threshold must be positive."
  }
}

resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  alarm_name          = "${var.name}-dlq-depth"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dlq_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.this.arn]
}

output "topic_arn" {
  description = "The alerts topic"
  value       = aws_sns_topic.this.arn
}
