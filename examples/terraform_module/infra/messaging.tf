resource "aws_sqs_queue" "orders_dlq" {
  name                      = "orders-dlq-${var.environment}"
  kms_master_key_id         = aws_kms_key.data.arn
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "orders" {
  name                       = "orders-${var.environment}"
  kms_master_key_id          = aws_kms_key.data.arn
  visibility_timeout_seconds = 60
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

data "aws_iam_policy_document" "orders_queue" {
  statement {
    sid       = "TopicSendsOrders"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.orders.arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [module.alerts.topic_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy    = data.aws_iam_policy_document.orders_queue.json
}

module "alerts" {
  source          = "./modules/alerts"
  name            = "orders-alerts-${var.environment}"
  kms_key_arn     = aws_kms_key.data.arn
  dlq_name        = aws_sqs_queue.orders_dlq.name
  alarm_threshold = 1
}
