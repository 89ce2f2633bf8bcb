variable "function_name" {
  description = "The API's Lambda function (deployed by the application pipeline)"
  type        = string
  default     = "api-handler"
}

variable "latency_p99_ms" {
  type    = number
  default = 1500

  validation {
    condition     = var.latency_p99_ms > 0 && var.latency_p99_ms <= 30000
    error_message = "latency_p99_ms must be between 1 and 30000 milliseconds."
  }
}

locals {
  function   = "${var.function_name}-${var.environment}"
  dimensions = { FunctionName = local.function }
}

resource "aws_kms_key" "alarms" {
  description             = "api-${var.environment} alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_sns_topic" "alarms" {
  name              = "api-alarms-${var.environment}"
  kms_master_key_id = aws_kms_key.alarms.arn
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  alarm_name          = "${local.function}-throttles"
  alarm_description   = "The function is throttled"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = local.dimensions
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "duration_p99" {
  alarm_name          = "${local.function}-duration-p99"
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = local.dimensions
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.latency_p99_ms
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "${local.function}-error-rate"
  alarm_description   = "More than 5% of invocations fail"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  threshold           = 5
  alarm_actions       = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * errors / MAX([errors, invocations])"
    label       = "Error rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = local.dimensions
      period      = 300
      stat        = "Sum"
    }
  }

  metric_query {
    id = "invocations"
    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Invocations"
      dimensions  = local.dimensions
      period      = 300
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_composite_alarm" "api_degraded" {
  alarm_name    = "api-degraded-${var.environment}"
  alarm_rule    = "ALARM(${aws_cloudwatch_metric_alarm.error_rate.alarm_name}) OR ALARM(${aws_cloudwatch_metric_alarm.duration_p99.alarm_name})"
  alarm_actions = [aws_sns_topic.alarms.arn]
}

output "alarm_topic_arn" {
  value = aws_sns_topic.alarms.arn
}
