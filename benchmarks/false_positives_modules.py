"""False positives of the built-in checks on plain Terraform modules written the way real modules are.

The same measurement as ``false_positives.py``, on ``benchmarks/fp_corpus_modules/``: each folder
holds a module under ``infra/`` (AWS provider ~> 5.0, resources linked by references, child
modules with ``count``/``for_each``, ``jsonencode`` and ``aws_iam_policy_document`` policies) and
a ``requirements.yaml`` whose ``app.entry`` is that directory, so the checks run on the module's
plan. The modules are correct except where ``EXPECTED`` below names the findings a correct checker
must report.

    PYTEST_IAC_TF_PLUGIN_DIR=<mirror> .venv/bin/python benchmarks/false_positives_modules.py [-v] [name ...]

Needs terraform, an AWS provider mirror (``PYTEST_IAC_TF_PLUGIN_DIR``) and, for the modules
reading ``aws_caller_identity``/``aws_availability_zones``, moto (``pytest-iac[deploy]``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from false_positives import main  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "fp_corpus_modules"

# module -> the error findings a correct checker reports there, as {check id: count}
EXPECTED: dict[str, dict[str, int]] = {
    "admin_policy": {"iam-wildcards": 1},  # Action "*" on Resource "*" in a jsonencode policy
    "ssh_from_anywhere": {"public-ingress": 1},  # inline ingress on port 22 from 0.0.0.0/0
    # s3:* on a bucket named by reference: the jsonencode policy and the policy document
    "wildcard_on_referenced_bucket": {"iam-wildcards": 2},
}

if __name__ == "__main__":
    if not os.environ.get("PYTEST_IAC_TF_PLUGIN_DIR"):
        raise SystemExit("set PYTEST_IAC_TF_PLUGIN_DIR to a provider mirror holding hashicorp/aws 5.x")
    raise SystemExit(main(sys.argv[1:], CORPUS, EXPECTED))
