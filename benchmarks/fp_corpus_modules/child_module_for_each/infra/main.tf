variable "tenants" {
  description = "Tenants that get their own event queue"
  type        = set(string)
  default     = ["acme", "globex"]

  validation {
    condition     = alltrue([for t in var.tenants : can(regex("^[a-z0-9]+$", t))])
    error_message = "Tenant names are lowercase letters and digits."
  }
}

variable "enable_audit_queue" {
  type    = bool
  default = true
}

resource "aws_kms_key" "events" {
  description             = "events-${var.environment} queues"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_sns_topic" "alarms" {
  name              = "events-alarms-${var.environment}"
  kms_master_key_id = aws_kms_key.events.id
}

module "tenant_queue" {
  source   = "./modules/tenant_queue"
  for_each = var.tenants

  name            = "events-${each.key}-${var.environment}"
  kms_key_arn     = aws_kms_key.events.arn
  alarm_topic_arn = aws_sns_topic.alarms.arn
}

module "audit_queue" {
  source = "./modules/tenant_queue"
  count  = var.enable_audit_queue ? 1 : 0

  name            = "events-audit-${var.environment}"
  kms_key_arn     = aws_kms_key.events.arn
  alarm_topic_arn = aws_sns_topic.alarms.arn
  max_backlog     = 1000
}

output "tenant_queue_urls" {
  value = { for tenant, queue in module.tenant_queue : tenant => queue.queue_url }
}

output "audit_queue_url" {
  value = one(module.audit_queue[*].queue_url)
}
