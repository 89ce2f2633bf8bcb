"""``lambda-reserved-env``: Lambda functions do not set environment variables the runtime reserves.

Lambda refuses the whole function ("reserved keys that are currently not supported for
modification"). The list is AWS's documented one plus ``AWS_DEFAULT_REGION``, which the API
rejects too. Names are case-sensitive. ``TZ`` is documented as runtime-set but accepted, and other
``AWS_LAMBDA_*`` names (``AWS_LAMBDA_EXEC_WRAPPER``, ``AWS_LAMBDA_DOTNET_PREJIT``) are meant to be
set, so they are not reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_iac.checks._common import blocks, resources
from pytest_iac.checks.base import Check, CheckContext, Finding

RESERVED = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})
_HINTS = {
    "AWS_REGION": "read os.environ['AWS_REGION'] in the code: Lambda sets it",
    "AWS_DEFAULT_REGION": "read os.environ['AWS_REGION'] in the code: Lambda sets it",
}


def run(ctx: CheckContext) -> Iterator[Finding]:
    for address, _, body in resources(ctx, "aws_lambda_function"):
        for environment in blocks(body.get("environment")):
            variables = environment.get("variables")
            if not isinstance(variables, Mapping):
                continue
            reserved = sorted(k for k in variables if k in RESERVED)
            if not reserved:
                continue
            hint = next((_HINTS[k] for k in reserved if k in _HINTS),
                        "Lambda sets these itself; rename the variable if it means something else")
            names = ", ".join(reserved)
            yield Finding(address, f"sets reserved environment variable{'s' if len(reserved) > 1 else ''} "
                                   f"{names}; Lambda rejects the function (reserved keys that are currently not "
                                   f"supported for modification). Remove {'them' if len(reserved) > 1 else 'it'} "
                                   f"from environment.variables ({hint}).")


CHECKS = [Check("lambda-reserved-env", "Lambda functions set no reserved environment variables (AWS_REGION, "
                "AWS_ACCESS_KEY_ID, _HANDLER, ...)", run)]
