variable "provider_api_token" {
  description = "API token of the payment provider (from the CI secret store, never committed)"
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.provider_api_token) >= 20
    error_message = "The provider's tokens are at least 20 characters."
  }
}

resource "aws_kms_key" "payments" {
  description             = "payments-${var.environment} parameters and table"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_ssm_parameter" "provider_api_token" {
  name        = "/payments/${var.environment}/provider-api-token"
  description = "Payment provider API token"
  type        = "SecureString"
  key_id      = aws_kms_key.payments.arn
  value       = var.provider_api_token
}

resource "aws_dynamodb_table" "idempotency" {
  name         = "payments-idempotency-${var.environment}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "idempotency_key"

  attribute {
    name = "idempotency_key"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.payments.arn
  }
}

output "provider_api_token_parameter" {
  description = "Name of the parameter the service reads the token from"
  value       = aws_ssm_parameter.provider_api_token.name
}

output "provider_api_token" {
  description = "The token, for the smoke-test job"
  value       = aws_ssm_parameter.provider_api_token.value
  sensitive   = true
}
