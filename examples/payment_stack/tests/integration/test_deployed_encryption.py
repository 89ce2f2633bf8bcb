"""Data at rest is encrypted with the stack's own KMS key, as the deployed services report it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.requirement("PAY-103")


def test_key_is_customer_managed_with_rotation(aws, key_arn):
    kms = aws("kms")
    assert kms.describe_key(KeyId=key_arn)["KeyMetadata"]["KeyManager"] == "CUSTOMER"
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True


def test_table_is_encrypted_with_the_key(aws, outputs, key_arn):
    sse = aws("dynamodb").describe_table(TableName=outputs["transactions_table_name"])["Table"]["SSEDescription"]
    assert (sse["Status"], sse["SSEType"], sse["KMSMasterKeyArn"]) == ("ENABLED", "KMS", key_arn)


def test_bucket_is_encrypted_with_the_key(aws, outputs, key_arn):
    (rule,) = aws("s3").get_bucket_encryption(
        Bucket=outputs["records_bucket_name"])["ServerSideEncryptionConfiguration"]["Rules"]
    default = rule["ApplyServerSideEncryptionByDefault"]
    assert (default["SSEAlgorithm"], default["KMSMasterKeyID"]) == ("aws:kms", key_arn)


@pytest.mark.parametrize("queue", ["processing_queue_url", "dead_letter_queue_url"])
def test_queues_are_encrypted_with_the_key(aws, outputs, key_arn, queue):
    attributes = aws("sqs").get_queue_attributes(QueueUrl=outputs[queue], AttributeNames=["KmsMasterKeyId"])
    assert attributes["Attributes"]["KmsMasterKeyId"] == key_arn


@pytest.mark.parametrize("topic", ["payments_topic_arn", "alerts_topic_arn"])
def test_topics_are_encrypted_with_the_key(aws, outputs, key_arn, topic):
    assert aws("sns").get_topic_attributes(TopicArn=outputs[topic])["Attributes"]["KmsMasterKeyId"] == key_arn


def test_database_storage_is_encrypted_with_the_key(aws, key_arn):
    (db,) = aws("rds").describe_db_instances(DBInstanceIdentifier="payments-ledger-test")["DBInstances"]
    assert db["StorageEncrypted"] is True and db["KmsKeyId"] == key_arn
