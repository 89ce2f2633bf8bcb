data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  name = "billing-${var.environment}"
  azs  = slice(data.aws_availability_zones.available.names, 0, 2)
}

resource "aws_vpc" "this" {
  cidr_block           = "10.30.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = local.name }
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "${local.name}-private-${count.index}" }
}

resource "aws_kms_key" "db" {
  description             = "${local.name} database and its secret"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_db_subnet_group" "this" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "Billing application tasks"
  vpc_id      = aws_vpc.this.id
}

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "Billing database: PostgreSQL from the application only"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from the app"
}

resource "aws_vpc_security_group_egress_rule" "app_to_db" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_db_parameter_group" "this" {
  name   = local.name
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "billing" {
  identifier                      = local.name
  engine                          = "postgres"
  engine_version                  = "16.4"
  instance_class                  = "db.t4g.micro"
  allocated_storage               = 20
  max_allocated_storage           = 100
  db_name                         = "billing"
  username                        = "billing_admin"
  manage_master_user_password     = true
  master_user_secret_kms_key_id   = aws_kms_key.db.key_id
  storage_encrypted               = true
  kms_key_id                      = aws_kms_key.db.arn
  db_subnet_group_name            = aws_db_subnet_group.this.name
  parameter_group_name            = aws_db_parameter_group.this.name
  vpc_security_group_ids          = [aws_security_group.db.id]
  backup_retention_period         = 7
  skip_final_snapshot             = true
  deletion_protection             = false
  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.db.arn
}

# Connection settings for the app; the password stays in the RDS-managed secret.
resource "aws_secretsmanager_secret" "app_config" {
  name                    = "${local.name}/app-config"
  kms_key_id              = aws_kms_key.db.arn
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "app_config" {
  secret_id = aws_secretsmanager_secret.app_config.id
  secret_string = jsonencode({
    host            = aws_db_instance.billing.address
    port            = aws_db_instance.billing.port
    dbname          = aws_db_instance.billing.db_name
    password_secret = aws_db_instance.billing.master_user_secret[0].secret_arn
  })
}

output "db_endpoint" {
  value = aws_db_instance.billing.endpoint
}

output "master_password_secret_arn" {
  description = "ARN of the RDS-managed secret holding the master password"
  value       = aws_db_instance.billing.master_user_secret[0].secret_arn
  sensitive   = true
}

output "app_security_group_id" {
  value = aws_security_group.app.id
}
