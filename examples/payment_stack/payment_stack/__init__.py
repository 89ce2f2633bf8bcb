"""A payment-processing stack for CDK for Terraform: API, queue, Lambdas, ledger database."""

from payment_stack.stack import PaymentStack

__all__ = ["PaymentStack"]
