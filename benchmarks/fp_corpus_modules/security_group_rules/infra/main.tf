variable "vpc_id" {
  description = "VPC the web tier runs in"
  type        = string
  default     = "vpc-0a1b2c3d4e5f60718"
}

variable "office_cidr" {
  description = "The office's egress range, allowed to SSH to the app hosts"
  type        = string
  default     = "203.0.113.0/24"

  validation {
    condition     = can(cidrhost(var.office_cidr, 0)) && !contains(["0.0.0.0/0", "::/0"], var.office_cidr)
    error_message = "office_cidr must be a CIDR range narrower than the whole internet."
  }
}

variable "app_port" {
  type    = number
  default = 8080
}

resource "aws_security_group" "alb" {
  name        = "web-alb-${var.environment}"
  description = "Public load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "alb_https" {
  type              = "ingress"
  security_group_id = aws_security_group.alb.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["0.0.0.0/0"]
  ipv6_cidr_blocks  = ["::/0"]
  description       = "HTTPS from the internet"
}

resource "aws_security_group_rule" "alb_http_redirect" {
  type              = "ingress"
  security_group_id = aws_security_group.alb.id
  protocol          = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "HTTP, redirected to HTTPS by the listener"
}

resource "aws_security_group_rule" "alb_to_app" {
  type                     = "egress"
  security_group_id        = aws_security_group.alb.id
  protocol                 = "tcp"
  from_port                = var.app_port
  to_port                  = var.app_port
  source_security_group_id = aws_security_group.app.id
}

resource "aws_security_group" "app" {
  name        = "web-app-${var.environment}"
  description = "Application hosts behind the load balancer"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh_from_office" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = var.office_cidr
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  description       = "SSH from the office"
}

resource "aws_vpc_security_group_egress_rule" "app_https_out" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS to AWS APIs and package mirrors"
}

output "alb_security_group_id" {
  value = aws_security_group.alb.id
}

output "app_security_group_id" {
  value = aws_security_group.app.id
}
