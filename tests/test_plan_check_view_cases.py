"""Cases a review found, each a small module: what the checks read of a plan where the written
order, a known jsonencode or a caller's variable could mislead them."""

from __future__ import annotations

import pytest

from test_terraform_module import write_module

CASES = {
    "sets_of_rules_are_paired_by_what_is_written": ({'main.tf': 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\nresource "aws_security_group" "web" {\n  name   = "web"\n  vpc_id = "vpc-123"\n  ingress {\n    description = "https from the vpc"\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = [aws_vpc.main.cidr_block]\n  }\n  ingress {\n    description = "ssh from anywhere"\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\nresource "aws_security_group" "web2" {\n  name   = "web2"\n  vpc_id = "vpc-123"\n  ingress {\n    description = "a"\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n  ingress {\n    description = "b"\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = [aws_vpc.main.cidr_block]\n  }\n}\n'}, "public-ingress", "{}", ['aws_security_group.web', 'aws_security_group.web2']),  # terraform sorts a set's items: the open rule is judged whichever order it is written in
    "known_jsonencode_keeps_locals_and_defaults": ({'main.tf': 'locals {\n  actions = ["s3:*"]\n  everyone = "*"\n}\nvariable "principal" {\n  type    = string\n  default = "*"\n}\nresource "aws_iam_policy" "p" {\n  name = "p"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = local.actions, Resource = "*" }]\n  })\n}\nresource "aws_iam_policy" "all" {\n  name = "all"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = local.everyone, Resource = local.everyone }]\n  })\n}\nresource "aws_sqs_queue" "q" {\n  name = "q"\n}\nresource "aws_sqs_queue_policy" "qp" {\n  queue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/q"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Principal = var.principal, Action = "sqs:SendMessage", Resource = "arn:aws:sqs:eu-west-1:123456789012:q" }]\n  })\n}\n'}, "iam-wildcards", "{}", ['aws_iam_policy.all', 'aws_iam_policy.p', 'aws_sqs_queue_policy.qp']),  # a jsonencode the plan knows keeps what locals and defaults hold
    "callers_values_through_attributes_locals_and_templates": ({'main.tf': 'variable "db" {\n  type = object({ user = string, password = string })\n}\nvariable "api_token" {\n  type = string\n}\nvariable "tokens" {\n  type = map(string)\n}\nlocals {\n  token = var.api_token\n}\nresource "aws_lambda_function" "obj" {\n  function_name = "obj"\n  role          = "arn:aws:iam::123456789012:role/fn"\n  runtime       = "python3.12"\n  handler       = "app.handler"\n  filename      = "app.zip"\n  environment {\n    variables = {\n      DB_PASSWORD = var.db.password\n      API_TOKEN   = var.tokens["api"]\n    }\n  }\n}\nresource "aws_lambda_function" "tpl" {\n  function_name = "tpl"\n  role          = "arn:aws:iam::123456789012:role/fn"\n  runtime       = "python3.12"\n  handler       = "app.handler"\n  filename      = "app.zip"\n  environment {\n    variables = {\n      API_TOKEN = "${var.api_token}"\n    }\n  }\n}\nmodule "child" {\n  source = "./modules/child"\n  token  = local.token\n}\n', 'modules/child/main.tf': 'variable "token" {\n  type = string\n}\nresource "aws_lambda_function" "c" {\n  function_name = "c"\n  role          = "arn:aws:iam::123456789012:role/fn"\n  runtime       = "python3.12"\n  handler       = "app.handler"\n  filename      = "app.zip"\n  environment {\n    variables = {\n      API_TOKEN = var.token\n    }\n  }\n}\n'}, "plaintext-secrets", "{db: {user: app, password: Caller-Obj-Pw-111}, api_token: Caller-Token-222, tokens: {api: Caller-Map-Tok-333}}", []),  # var.db.password, var.tokens["api"], "${var.api_token}" and a parent's local holding a variable are the caller's
    "a_whole_map_from_a_variable_is_the_callers": ({'main.tf': 'variable "env" {\n  type = map(string)\n}\nresource "aws_lambda_function" "whole" {\n  function_name = "whole"\n  role          = "arn:aws:iam::123456789012:role/fn"\n  runtime       = "python3.12"\n  handler       = "app.handler"\n  filename      = "app.zip"\n  environment {\n    variables = var.env\n  }\n}\n'}, "plaintext-secrets", "{env: {DB_PASSWORD: Caller-Whole-Pw-444}}", []),  # variables = var.env
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_what_the_checks_report_on_the_plan(case: str, pytester: pytest.Pytester, terraform_mirror: str,
                                            write_requirements, run_with_report):
    files, check, variables, expected = CASES[case]
    write_module(pytester.path / "infra", files)
    write_requirements(f"""\
        version: 1
        app: {{entry: infra, vars: {variables}}}
        requirements: [{{id: R-1, description: checked, checks: [{check}]}}]
        checks: {{select: [{check}]}}
    """)
    _, report = run_with_report("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    assert sorted({f["address"] for f in report["checks"][0]["findings"]}) == expected
