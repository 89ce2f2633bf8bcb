data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  function_name = "thumbnails-${var.environment}"
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid = "LogsUseTheKey"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${local.function_name}"]
    }
  }
}

resource "aws_kms_key" "thumbnails" {
  description             = "${local.function_name} logs and environment"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_cloudwatch_log_group" "thumbnails" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.thumbnails.arn
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "thumbnails" {
  name               = "${local.function_name}-exec"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "thumbnails" {
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.thumbnails.arn}:*"]
  }

  statement {
    sid       = "WriteThumbnails"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::thumbnails-${var.environment}-output/*"]
  }

  statement {
    sid       = "DecryptEnvironment"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.thumbnails.arn]
  }
}

resource "aws_iam_role_policy" "thumbnails" {
  name   = "${local.function_name}-access"
  role   = aws_iam_role.thumbnails.id
  policy = data.aws_iam_policy_document.thumbnails.json
}

resource "aws_lambda_function" "thumbnails" {
  function_name    = local.function_name
  role             = aws_iam_role.thumbnails.arn
  filename         = "${path.module}/build/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/build/fn.zip")
  handler          = "handler.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  memory_size      = 256
  timeout          = 30
  kms_key_arn      = aws_kms_key.thumbnails.arn

  environment {
    variables = {
      OUTPUT_BUCKET = "thumbnails-${var.environment}-output"
      LOG_LEVEL     = "INFO"
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.thumbnails.name
  }

  depends_on = [aws_iam_role_policy.thumbnails, aws_cloudwatch_log_group.thumbnails]
}

output "function_name" {
  value = aws_lambda_function.thumbnails.function_name
}

output "function_arn" {
  value = aws_lambda_function.thumbnails.arn
}
