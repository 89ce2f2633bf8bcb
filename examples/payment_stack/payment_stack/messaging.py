"""Payment events fan out from an SNS topic to the processing queue (with a dead-letter queue);
operational alerts go to a second topic."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

# Six times the processing Lambda's timeout, as AWS recommends for SQS event sources.
VISIBILITY_TIMEOUT = 180
MAX_RECEIVES = 5


class Messaging(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, suffix: str, key_arn: str) -> None:
        super().__init__(scope, construct_id)
        self.topic = SnsTopic(self, "events", name=f"payments-events-{suffix}", kms_master_key_id=key_arn)
        self.alerts = SnsTopic(self, "alerts", name=f"payments-alerts-{suffix}", kms_master_key_id=key_arn)
        self.dlq = SqsQueue(
            self,
            "dlq",
            name=f"payments-processing-dlq-{suffix}",
            message_retention_seconds=1_209_600,
            kms_master_key_id=key_arn,
        )
        self.queue = SqsQueue(
            self,
            "queue",
            name=f"payments-processing-{suffix}",
            visibility_timeout_seconds=VISIBILITY_TIMEOUT,
            kms_master_key_id=key_arn,
            redrive_policy=json.dumps({"deadLetterTargetArn": self.dlq.arn, "maxReceiveCount": MAX_RECEIVES}),
        )
        SqsQueuePolicy(
            self,
            "queue-policy",
            queue_url=self.queue.url,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "PaymentEventsTopic",
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": self.queue.arn,
                            "Condition": {"ArnEquals": {"aws:SourceArn": self.topic.arn}},
                        }
                    ],
                }
            ),
        )
        SnsTopicSubscription(
            self,
            "queue-subscription",
            topic_arn=self.topic.arn,
            protocol="sqs",
            endpoint=self.queue.arn,
            raw_message_delivery=True,
        )
