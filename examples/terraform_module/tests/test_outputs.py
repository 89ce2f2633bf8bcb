import pytest

from pytest_iac import Match


@pytest.mark.requirement("ORD-006")
def test_outputs_name_what_other_stacks_need(iac_stack):
    iac_stack.has_output("private_subnet_cidrs", {"value": ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]})
    iac_stack.has_output("documents_bucket", {"value": "orders-documents-test"})
    for name in ("vpc_id", "orders_queue_url", "alerts_topic_arn"):
        iac_stack.has_output(name, {"value": Match.unknown()})
