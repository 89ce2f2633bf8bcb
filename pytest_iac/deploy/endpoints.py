"""Which AWS provider ``endpoints`` keys a stack needs, from its resource and data source types.

The keys are the AWS provider 5.x canonical service names (``endpoints { s3 = ... }``). Only keys
for services the stack uses are written, plus ``sts`` (the provider asks it who it is): a key the
provider does not know would fail the apply, while a missing one would send that service's calls
to AWS itself, where the dummy credentials are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ALWAYS", "NO_SERVICE", "endpoint_services", "service_for"]

ALWAYS = ("sts",)

# resource type prefix -> endpoint key; the longest matching prefix wins
_PREFIXES: dict[str, str] = {
    "aws_s3control_": "s3control", "aws_s3_": "s3",
    "aws_sqs_": "sqs", "aws_sns_": "sns", "aws_dynamodb_": "dynamodb", "aws_kms_": "kms", "aws_iam_": "iam",
    "aws_lambda_": "lambda", "aws_apigatewayv2_": "apigatewayv2", "aws_api_gateway_": "apigateway",
    "aws_cloudwatch_log_": "logs", "aws_cloudwatch_event_": "events", "aws_cloudwatch_": "cloudwatch",
    "aws_db_": "rds", "aws_rds_": "rds", "aws_secretsmanager_": "secretsmanager", "aws_ssm_": "ssm",
    "aws_sfn_": "sfn", "aws_ecr_": "ecr", "aws_ecs_": "ecs", "aws_eks_": "eks", "aws_lb": "elbv2",
    "aws_alb": "elbv2", "aws_elb": "elb", "aws_route53_": "route53", "aws_route53domains_": "route53domains",
    "aws_acm_": "acm", "aws_acmpca_": "acmpca", "aws_cloudfront_": "cloudfront", "aws_wafv2_": "wafv2",
    "aws_kinesis_firehose_": "firehose", "aws_kinesis_": "kinesis", "aws_elasticache_": "elasticache",
    "aws_efs_": "efs", "aws_cognito_identity_": "cognitoidentity", "aws_cognito_": "cognitoidp",
    "aws_scheduler_": "scheduler", "aws_glue_": "glue", "aws_athena_": "athena", "aws_backup_": "backup",
    "aws_cloudtrail": "cloudtrail", "aws_config_": "configservice", "aws_sesv2_": "sesv2", "aws_ses_": "ses",
    "aws_xray_": "xray", "aws_appautoscaling_": "appautoscaling", "aws_autoscaling_": "autoscaling",
    "aws_batch_": "batch", "aws_emr_": "emr", "aws_redshift_": "redshift", "aws_guardduty_": "guardduty",
    "aws_organizations_": "organizations", "aws_codebuild_": "codebuild", "aws_codecommit_": "codecommit",
    "aws_codepipeline": "codepipeline", "aws_codedeploy_": "deploy", "aws_sagemaker_": "sagemaker",
    "aws_opensearch_": "opensearch", "aws_elasticsearch_": "es", "aws_mq_": "mq", "aws_msk_": "kafka",
    "aws_appsync_": "appsync", "aws_ram_": "ram", "aws_service_discovery_": "servicediscovery",
    "aws_transfer_": "transfer", "aws_iot_": "iot", "aws_dax_": "dax", "aws_docdb_": "docdb",
    "aws_neptune_": "neptune", "aws_pipes_": "pipes", "aws_resourcegroups_": "resourcegroups",
    "aws_signer_": "signer", "aws_securityhub_": "securityhub", "aws_shield_": "shield",
    "aws_ssoadmin_": "ssoadmin", "aws_identitystore_": "identitystore", "aws_quicksight_": "quicksight",
    "aws_lakeformation_": "lakeformation", "aws_memorydb_": "memorydb", "aws_inspector2_": "inspector2",
    "aws_cloudformation_": "cloudformation", "aws_budgets_": "budgets", "aws_ebs_": "ec2",
    "aws_ec2_": "ec2", "aws_timestreamwrite_": "timestreamwrite",
    "aws_servicecatalog_": "servicecatalog", "aws_swf_": "swf", "aws_mwaa_": "mwaa",
    "aws_databrew_": "databrew", "aws_datasync_": "datasync", "aws_dms_": "dms", "aws_fsx_": "fsx",
    "aws_apprunner_": "apprunner", "aws_amplify_": "amplify", "aws_polly_": "polly",
    "aws_resourcegroupstaggingapi_": "resourcegroupstaggingapi", "aws_macie2_": "macie2",
    "aws_sesv2": "sesv2", "aws_bedrock_": "bedrock", "aws_vpclattice_": "vpclattice",
}
# endpoint keys of the AWS provider 5.x; a type "aws_<key>_..." not in the table above uses <key>
_KEYS = frozenset("""
accessanalyzer account acm acmpca amg amp amplify apigateway apigatewayv2 appautoscaling appconfig
appfabric appflow appintegrations appintegrationsservice applicationautoscaling applicationinsights
applicationsignals appmesh appregistry apprunner appstream appsync athena auditmanager autoscaling
autoscalingplans backup batch bcmdataexports beanstalk bedrock bedrockagent billing budgets ce
chatbot chime chimesdkmediapipelines chimesdkvoice cleanrooms cloud9 cloudcontrol cloudcontrolapi
cloudformation cloudfront cloudfrontkeyvaluestore cloudhsm cloudhsmv2 cloudsearch cloudtrail
cloudwatch cloudwatchevents cloudwatchevidently cloudwatchlog cloudwatchlogs
cloudwatchobservabilityaccessmanager cloudwatchrum codeartifact codebuild codecatalyst codecommit
codeconnections codedeploy codeguruprofiler codegurureviewer codepipeline codestarconnections
codestarnotifications cognitoidentity cognitoidentityprovider cognitoidp comprehend computeoptimizer
config configservice connect connectcases controltower costandusagereportservice costexplorer
costoptimizationhub cur customerprofiles databasemigration databasemigrationservice databrew
dataexchange datapipeline datasync datazone dax deploy detective devicefarm devopsguru directconnect
directoryservice dlm dms docdb docdbelastic drs ds dsql dynamodb ec2 ecr ecrpublic ecs efs eks
elasticache elasticbeanstalk elasticloadbalancing elasticloadbalancingv2 elasticsearch
elasticsearchservice elastictranscoder elb elbv2 emr emrcontainers emrserverless es eventbridge
events evidently evs finspace firehose fis fms fsx gamelift glacier globalaccelerator glue
gluedatabrew grafana greengrass groundstation guardduty healthlake iam identitystore imagebuilder
inspector inspector2 inspectorv2 internetmonitor invoicing iot iotanalytics iotevents ivs ivschat
kafka kafkaconnect kendra keyspaces kinesis kinesisanalytics kinesisanalyticsv2 kinesisvideo kms
lakeformation lambda launchwizard lex lexmodelbuilding lexmodelbuildingservice lexmodels lexmodelsv2
lexv2models licensemanager lightsail location locationservice logs lookoutmetrics m2 macie2
managedgrafana mediaconnect mediaconvert medialive mediapackage mediapackagev2 mediapackagevod
mediastore memorydb mgn mq msk mwaa neptune neptunegraph networkfirewall networkmanager
networkmonitor notifications notificationscontacts oam opensearch opensearchingestion
opensearchserverless opensearchservice opsworks organizations osis outposts paymentcryptography
pcaconnectorad pcs pinpoint pinpointsmsvoicev2 pipes polly pricing prometheus prometheusservice
qbusiness qldb quicksight ram rbin rds recyclebin redshift redshiftdata redshiftdataapiservice
redshiftserverless rekognition resiliencehub resourceexplorer2 resourcegroups resourcegroupstagging
resourcegroupstaggingapi rolesanywhere route53 route53domains route53profiles
route53recoverycontrolconfig route53recoveryreadiness route53resolver rum s3 s3api s3control
s3outposts s3tables sagemaker scheduler schemas sdb secretsmanager securityhub securitylake
serverlessapplicationrepository serverlessapprepo serverlessrepo servicecatalog
servicecatalogappregistry servicediscovery servicequotas ses sesv2 sfn shield signer simpledb sns
sqs ssm ssmcontacts ssmincidents ssmquicksetup ssmsap sso ssoadmin stepfunctions storagegateway sts
swf synthetics taxsettings timestreaminfluxdb timestreamquery timestreamwrite transcribe
transcribeservice transfer verifiedpermissions vpclattice waf wafregional wafv2 wellarchitected
worklink workspaces workspacesweb xray
""".split())
# EC2 resources without an ec2_ prefix
_EC2 = ("aws_vpc", "aws_subnet", "aws_security_group", "aws_route", "aws_internet_gateway", "aws_nat_gateway",
        "aws_eip", "aws_network_", "aws_instance", "aws_launch_template", "aws_ami", "aws_key_pair",
        "aws_availability_zone", "aws_default_", "aws_egress_only_internet_gateway", "aws_customer_gateway",
        "aws_vpn_", "aws_placement_group", "aws_spot_", "aws_volume_attachment", "aws_main_route_table_association",
        "aws_flow_log", "aws_prefix_list", "aws_vpc_", "aws_dx_")
_PREFIXES.update({prefix: "ec2" for prefix in _EC2})
_PREFIXES.update({
    "aws_dx_": "directconnect", "aws_elastic_beanstalk_": "elasticbeanstalk", "aws_launch_configuration": "autoscaling",
    "aws_load_balancer_": "elb", "aws_proxy_protocol_policy": "elb", "aws_app_cookie_stickiness_policy": "elb",
    "aws_lb_cookie_stickiness_policy": "elb", "aws_lb_ssl_negotiation_policy": "elb", "aws_directory_service_": "ds",
    "aws_verifiedaccess_": "ec2", "aws_snapshot_": "ec2", "aws_mskconnect_": "kafkaconnect",
    "aws_media_": "mediaconvert", "aws_cloudhsm_v2_": "cloudhsmv2", "aws_serverlessapplicationrepository_":
    "serverlessrepo", "aws_service_": "servicequotas",
})
# answered by the provider itself, without a call
NO_SERVICE = frozenset({"aws_iam_policy_document", "aws_service", "aws_region", "aws_partition", "aws_arn", "aws_default_tags",
                        "aws_regions", "aws_service_principal", "aws_ip_ranges", "aws_billing_service_account",
                        "aws_elb_service_account", "aws_canonical_user_id"})
_SPECIAL = {"aws_caller_identity": "sts", "aws_availability_zones": "ec2", "aws_canonical_user_id": "s3",
            "aws_iam_account_alias": "iam"}


def service_for(resource_type: str) -> str | None:
    """The endpoint key a resource or data source type calls, or None (local / unknown)."""
    if resource_type in _SPECIAL:
        return _SPECIAL[resource_type]
    if resource_type in NO_SERVICE:
        return None
    best = max((p for p in _PREFIXES if resource_type.startswith(p)), key=len, default=None)
    if best:
        return _PREFIXES[best]
    segment = resource_type[len("aws_"):].split("_", 1)[0]
    return segment if resource_type.startswith("aws_") and segment in _KEYS else None


def endpoint_services(config: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(endpoint keys the stack needs, aws types with no known service). Only ``aws_`` types count."""
    services, unknown = set(ALWAYS), []
    for section in ("resource", "data"):
        for rtype in sorted((config.get(section) or {})):
            if not rtype.startswith("aws_"):
                continue
            service = service_for(rtype)
            if service:
                services.add(service)
            elif rtype not in NO_SERVICE:
                unknown.append(rtype)
    return sorted(services), unknown
