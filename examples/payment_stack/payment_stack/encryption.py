"""The customer-managed KMS key that encrypts every data store of the stack."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from constructs import Construct

# What the AWS services that encrypt on our behalf need from the key policy. IAM principals of
# the account get access through the root statement and their own IAM policies.
_SERVICE_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]
_LOGS_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
]


class Encryption(Construct):
    """A rotating KMS key (and its alias) usable by CloudWatch Logs, SNS and CloudWatch alarms."""

    def __init__(self, scope: Construct, construct_id: str, *, suffix: str, region: str) -> None:
        super().__init__(scope, construct_id)
        account = DataAwsCallerIdentity(self, "account").account_id
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministration",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": _LOGS_ACTIONS,
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": (
                                f"arn:aws:logs:{region}:{account}:log-group:*"
                            )
                        }
                    },
                },
                {
                    "Sid": "EncryptedTopicsAndQueues",
                    "Effect": "Allow",
                    "Principal": {"Service": ["sns.amazonaws.com", "cloudwatch.amazonaws.com"]},
                    "Action": _SERVICE_ACTIONS,
                    "Resource": "*",
                },
            ],
        }
        self.key = KmsKey(
            self,
            "key",
            description=f"Payments data key ({suffix})",
            enable_key_rotation=True,
            deletion_window_in_days=7,
            policy=json.dumps(policy),
        )
        self.alias = KmsAlias(self, "alias", name=f"alias/payments-{suffix}", target_key_id=self.key.key_id)
