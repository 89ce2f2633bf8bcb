"""PaymentStack: the payment-processing stack, assembled from one construct per concern."""

from __future__ import annotations

from cdktf import S3Backend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from payment_stack.api import STAGE, PaymentsApi
from payment_stack.compute import PaymentFunctions
from payment_stack.data import DataStores
from payment_stack.encryption import Encryption
from payment_stack.messaging import Messaging
from payment_stack.monitoring import Monitoring
from payment_stack.network import Network


class PaymentStack(TerraformStack):
    """Every resource name carries ``environment_suffix``, so environments can share an account."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str = "dev",
        aws_region: str = "us-east-1",
        state_bucket: str = "payments-tfstate",
        state_key: str | None = None,
        default_tags: dict[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        suffix = environment_suffix
        S3Backend(
            self,
            bucket=state_bucket,
            key=state_key or f"payments/{suffix}/terraform.tfstate",
            region=aws_region,
            encrypt=True,
        )
        # cdktf 0.21's S3Backend has no use_lockfile argument; terraform >= 1.10 locks the state
        # with a lock file next to it (dynamodb_table is deprecated there), so set it directly.
        self.add_override("terraform.backend.s3.use_lockfile", True)
        tags = default_tags or {"Project": "payments", "Environment": suffix, "ManagedBy": "cdktf"}
        AwsProvider(self, "aws", region=aws_region, default_tags=[AwsProviderDefaultTags(tags=tags)])

        encryption = Encryption(self, "encryption", suffix=suffix, region=aws_region)
        key_arn = encryption.key.arn
        network = Network(self, "network", suffix=suffix, region=aws_region)
        data = DataStores(
            self,
            "data",
            suffix=suffix,
            key_arn=key_arn,
            subnet_ids=[subnet.id for subnet in network.subnets["database"]],
            security_group_id=network.db_sg.id,
        )
        messaging = Messaging(self, "messaging", suffix=suffix, key_arn=key_arn)
        compute = PaymentFunctions(
            self, "compute", suffix=suffix, key_arn=key_arn, network=network, data=data, messaging=messaging
        )
        api = PaymentsApi(self, "api", suffix=suffix, handler=compute.functions["validation"])
        Monitoring(
            self,
            "monitoring",
            suffix=suffix,
            alerts_topic_arn=messaging.alerts.arn,
            functions=compute.functions,
            queue_name=messaging.queue.name,
            api_id=api.api.id,
            stage=STAGE,
        )

        outputs = {
            "vpc_id": network.vpc.id,
            "public_subnet_ids": [subnet.id for subnet in network.subnets["public"]],
            "private_subnet_ids": [subnet.id for subnet in network.subnets["private"]],
            "database_subnet_ids": [subnet.id for subnet in network.subnets["database"]],
            "api_endpoint": api.api.api_endpoint,
            "records_bucket_name": data.bucket.bucket,
            "transactions_table_name": data.table.name,
            "processing_queue_url": messaging.queue.url,
            "dead_letter_queue_url": messaging.dlq.url,
            "payments_topic_arn": messaging.topic.arn,
            "alerts_topic_arn": messaging.alerts.arn,
            "database_endpoint": data.database.endpoint,
            "database_secret_arn": data.database.master_user_secret.get(0).secret_arn,
            "kms_key_arn": key_arn,
            "lambda_function_names": {
                key: function.function_name for key, function in compute.functions.items()
            },
        }
        for name, value in outputs.items():
            TerraformOutput(self, name, value=value)
