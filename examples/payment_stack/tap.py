#!/usr/bin/env python
"""Entry script (``cdktf synth`` runs it, see cdktf.json): builds the payments stack for one environment."""

import os

from cdktf import App

from payment_stack.stack import PaymentStack


def main() -> None:
    environment_suffix = os.environ.get("ENVIRONMENT_SUFFIX", "dev")
    app = App()
    PaymentStack(
        app,
        "payments",
        environment_suffix=environment_suffix,
        aws_region=os.environ.get("AWS_REGION", "us-east-1"),
        state_bucket=os.environ.get("TERRAFORM_STATE_BUCKET", "payments-tfstate"),
        state_key=os.environ.get("TERRAFORM_STATE_KEY"),
        default_tags={
            "Project": "payments",
            "Environment": environment_suffix,
            "ManagedBy": "cdktf",
            "Repository": os.environ.get("REPOSITORY", "unknown"),
        },
    )
    app.synth()


if __name__ == "__main__":
    main()
