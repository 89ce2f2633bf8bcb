"""A launch template whose user data is rendered from a template."""

import json

from cdktf import Fn, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from cdktf_cdktf_provider_aws.launch_template import LaunchTemplate


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, stack_id: str) -> None:
        super().__init__(scope, stack_id)
        AwsProvider(self, "aws", region="us-east-1")

        user_data = Fn.templatefile("../../../templates/user_data.sh.tpl", {"environment": "dev"})
        template = LaunchTemplate(self, "web", name="orders-web-dev", image_id="ami-0123456789abcdef0",
                                  instance_type="t3.micro", user_data=Fn.base64encode(user_data))
        TerraformOutput(self, "launch_template_id", value=template.id)
