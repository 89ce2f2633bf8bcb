variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f60718"
}

# MISTAKE (expected finding): SSH open to the whole internet.
resource "aws_security_group" "bastion" {
  name        = "bastion-${var.environment}"
  description = "Bastion host"
  vpc_id      = var.vpc_id

  ingress {
    description = "SSH"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

output "bastion_security_group_id" {
  value = aws_security_group.bastion.id
}
