"""Every output names a live resource: table, bucket, queues, topics, database, functions."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.requirement("PAY-101")

FUNCTIONS = ("validation", "processing", "notification", "reconciliation")


def test_table_is_active(aws, outputs):
    table = aws("dynamodb").describe_table(TableName=outputs["transactions_table_name"])["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_bucket_exists(aws, outputs):
    assert aws("s3").head_bucket(Bucket=outputs["records_bucket_name"])["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_queues_exist_with_the_dead_letter_redrive(aws, outputs):
    sqs = aws("sqs")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=outputs["dead_letter_queue_url"],
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.get_queue_attributes(QueueUrl=outputs["processing_queue_url"], AttributeNames=["All"])["Attributes"]
    assert '"deadLetterTargetArn": "%s"' % dlq_arn in queue["RedrivePolicy"]
    assert queue["VisibilityTimeout"] == "180"


def test_topics_exist(aws, outputs):
    arns = {t["TopicArn"] for t in aws("sns").list_topics()["Topics"]}
    assert {outputs["payments_topic_arn"], outputs["alerts_topic_arn"]} <= arns


def test_functions_run_python_312_in_the_private_subnets(aws, outputs):
    names = outputs["lambda_function_names"]
    assert sorted(names) == sorted(FUNCTIONS)
    for key, name in names.items():
        config = aws("lambda").get_function(FunctionName=name)["Configuration"]
        assert config["Runtime"] == "python3.12", key
        assert sorted(config["VpcConfig"]["SubnetIds"]) == sorted(outputs["private_subnet_ids"]), key


def test_database_is_available_in_the_database_subnets(aws, outputs, iac_deployment):
    (db,) = aws("rds").describe_db_instances(DBInstanceIdentifier="payments-ledger-test")["DBInstances"]
    assert db["DBInstanceStatus"] == "available"
    assert db["Engine"] == "postgres" and db["EngineVersion"].startswith("16")
    assert db["PubliclyAccessible"] is False
    assert outputs["database_endpoint"].startswith(db["Endpoint"]["Address"])
    assert {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]} == set(outputs["database_subnet_ids"])
    # the same facts from the Terraform state, by construct path
    state = iac_deployment.resource_by_path("payments/data/ledger")
    assert state["publicly_accessible"] is False and state["deletion_protection"] is False
    assert state["master_user_secret"][0]["secret_arn"] == outputs["database_secret_arn"]
