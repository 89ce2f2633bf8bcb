data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  name       = "reports-${var.environment}"
  log_prefix = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/reports/${var.environment}"
}

resource "aws_kms_key" "reports" {
  description             = "${local.name} table key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_dynamodb_table" "reports" {
  name         = local.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "report_id"
  range_key    = "created_at"

  attribute {
    name = "report_id"
    type = "S"
  }

  attribute {
    name = "created_at"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.reports.arn
  }

  point_in_time_recovery {
    enabled = true
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "reports" {
  name               = "${local.name}-task"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "reports" {
  statement {
    sid = "ReadWriteReports"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]
    resources = [
      aws_dynamodb_table.reports.arn,
      "${aws_dynamodb_table.reports.arn}/index/*",
    ]
  }

  statement {
    sid       = "UseTableKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.reports.arn]
  }

  statement {
    sid       = "ReadOwnCallerIdentity"
    actions   = ["sts:GetCallerIdentity"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "reports" {
  name        = "${local.name}-data"
  description = "Access to the reports table"
  policy      = data.aws_iam_policy_document.reports.json
}

resource "aws_iam_role_policy_attachment" "reports" {
  role       = aws_iam_role.reports.name
  policy_arn = aws_iam_policy.reports.arn
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.reports.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_role_policy" "logs" {
  name = "${local.name}-logs"
  role = aws_iam_role.reports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.log_prefix}:*"
      },
      {
        Sid      = "PublishMetrics"
        Effect   = "Allow"
        Action   = "cloudwatch:PutMetricData"
        Resource = "*"
        Condition = {
          StringEquals = { "cloudwatch:namespace" = "Reports" }
        }
      },
    ]
  })
}

output "role_arn" {
  value = aws_iam_role.reports.arn
}

output "table_name" {
  value = aws_dynamodb_table.reports.name
}
