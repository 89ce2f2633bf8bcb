"""A database and a secret with its connection settings."""

import json

from cdktf import Fn, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, stack_id: str) -> None:
        super().__init__(scope, stack_id)
        AwsProvider(self, "aws", region="us-east-1")

        db = DbInstance(self, "db", identifier="orders-dev", engine="postgres", engine_version="16",
                        instance_class="db.t3.micro", allocated_storage=20, username="orders",
                        manage_master_user_password=True, storage_encrypted=True, skip_final_snapshot=True)
        secret = SecretsmanagerSecret(self, "conn", name="orders-dev-connection")
        SecretsmanagerSecretVersion(self, "conn-value", secret_id=secret.id,
                                    secret_string=json.dumps({"password": "s3cr3t-Literal", "host": db.address}))
        TerraformOutput(self, "secret_arn", value=secret.arn)
