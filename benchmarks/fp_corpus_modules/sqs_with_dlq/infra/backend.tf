terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "sqs_with_dlq/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
