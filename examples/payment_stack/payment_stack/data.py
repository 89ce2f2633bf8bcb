"""The stack's data stores, all encrypted with the customer key: the ledger database, the
records bucket and the transactions table."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTableGlobalSecondaryIndex,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA as KmsByDefault,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

STATUS_INDEX = "status-created-index"


class DataStores(Construct):
    """Everything here can be destroyed with the environment: no final snapshot, no deletion
    protection, buckets emptied on destroy. The database password lives in Secrets Manager."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        suffix: str,
        key_arn: str,
        subnet_ids: list[str],
        security_group_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        subnet_group = DbSubnetGroup(
            self,
            "db-subnets",
            name=f"payments-db-{suffix}",
            description="Database subnets of the payments VPC",
            subnet_ids=subnet_ids,
        )
        self.database = DbInstance(
            self,
            "ledger",
            identifier=f"payments-ledger-{suffix}",
            engine="postgres",
            engine_version="16",
            instance_class="db.t4g.micro",
            allocated_storage=20,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=key_arn,
            db_name="payments",
            username="payments_admin",
            manage_master_user_password=True,
            master_user_secret_kms_key_id=key_arn,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[security_group_id],
            publicly_accessible=False,
            backup_retention_period=7,
            copy_tags_to_snapshot=True,
            skip_final_snapshot=True,
            deletion_protection=False,
        )
        self.bucket = S3Bucket(
            self, "records", bucket_prefix=f"payments-records-{suffix}-", force_destroy=True
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "records-encryption",
            bucket=self.bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=KmsByDefault(
                        sse_algorithm="aws:kms", kms_master_key_id=key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        S3BucketPublicAccessBlock(
            self,
            "records-public-access",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketVersioningA(
            self,
            "records-versioning",
            bucket=self.bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        self.table = DynamodbTable(
            self,
            "transactions",
            name=f"payments-transactions-{suffix}",
            billing_mode="PAY_PER_REQUEST",
            hash_key="transaction_id",
            attribute=[
                DynamodbTableAttribute(name="transaction_id", type="S"),
                DynamodbTableAttribute(name="status", type="S"),
                DynamodbTableAttribute(name="created_at", type="S"),
            ],
            global_secondary_index=[
                DynamodbTableGlobalSecondaryIndex(
                    name=STATUS_INDEX, hash_key="status", range_key="created_at", projection_type="ALL"
                )
            ],
            server_side_encryption=DynamodbTableServerSideEncryption(enabled=True, kms_key_arn=key_arn),
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            deletion_protection_enabled=False,
        )
