"""Block coverage of a Terraform module: the line-coverage figure of module entries."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_iac.gate.blockcov import block_coverage

ROOT = """\
variable "env" {
  type = string
  validation {
    condition     = length(var.env) > 0
    error_message = "env must not be empty"
  }
}

variable "plain" {
  default = 1
}

resource "aws_sqs_queue" "q" {
  count = 2
  name  = "q-${var.env}-${count.index}"
}

data "aws_region" "here" {}

module "alerts" {
  source = "./alerts"
}

output "queue_names" {
  value = aws_sqs_queue.q[*].name
}
"""
CHILD = """\
resource "aws_sns_topic" "t" {
  name = "alerts"
}

output "arn" {
  value = aws_sns_topic.t.arn
}
"""


@pytest.fixture
def module(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    (root / "alerts").mkdir(parents=True)
    (root / "main.tf").write_text(textwrap.dedent(ROOT))
    (root / "alerts" / "main.tf").write_text(textwrap.dedent(CHILD))
    return root


def test_nothing_examined_misses_every_counted_block_at_its_first_line(module: Path):
    result = block_coverage(module, [], module.parent)
    assert result.statements == 7  # the validated variable counts, the plain one does not
    assert result.percent == 0.0
    assert result.missing == {"infra/alerts/main.tf": [1, 5], "infra/main.tf": [1, 13, 18, 20, 24]}


def test_an_instance_covers_its_block_its_module_and_what_uses_it(module: Path):
    examined = ["infra:aws_sqs_queue.q[1]", "infra:module.alerts.aws_sns_topic.t", "infra:output.queue_names"]
    result = block_coverage(module, examined, module.parent)
    # q[1] covers the resource and (it uses var.env) the validated variable; the topic covers its
    # block, the module call and the child output that refers to it; the root output was matched
    assert result.missing == {"infra/main.tf": [18]}  # only the data source is left
    assert result.percent == pytest.approx(100 * 6 / 7, abs=0.01)


def test_a_root_output_counts_only_when_a_test_matched_it(module: Path):
    result = block_coverage(module, ["infra:aws_sqs_queue.q[0]"], module.parent)
    assert 24 in result.missing["infra/main.tf"]


def test_a_module_without_blocks_has_no_figure(tmp_path: Path):
    (tmp_path / "versions.tf").write_text('terraform {\n  required_version = ">= 1.5"\n}\n')
    result = block_coverage(tmp_path, [], tmp_path)
    assert result.percent is None and "has no resource" in (result.problem or "")


def test_the_gate_reports_block_coverage_as_line_coverage(pytester: pytest.Pytester, terraform_mirror: str,
                                                          write_requirements):
    infra = pytester.path / "infra"
    (infra / "alerts").mkdir(parents=True)
    (infra / "main.tf").write_text(textwrap.dedent(ROOT).replace('data "aws_region" "here" {}\n', ""))
    (infra / "alerts" / "main.tf").write_text(textwrap.dedent(CHILD))
    write_requirements("""\
        version: 1
        app: {entry: infra, vars: {env: test}}
        requirements: [{id: Q-1, description: two queues}]
    """)
    pytester.makepyfile(test_infra="""
        import pytest

        @pytest.mark.requirement("Q-1")
        def test_queues(iac_stack):
            iac_stack.has_resource_properties("aws_sqs_queue", {"name": "q-test-1"})
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-checks", "off",
                                "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines([
        "line coverage: 33.33% (required 100%) - block coverage of the module's .tf",  # wrapped at 80 columns
        "  files (6 blocks)",
        "  infra/alerts/main.tf: missing 1, 5",
        "  infra/main.tf: missing 19, 23",
        "FAIL Required block coverage of 100% not reached. Total coverage: 33.33%*",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_block_marked_no_cover_is_left_out_like_coverage_py_lines(tmp_path: Path):
    root = tmp_path / "infra"
    root.mkdir()
    (root / "main.tf").write_text(textwrap.dedent("""\
        resource "aws_sqs_queue" "q" {
          name = "q"
        }

        # only in production; pragma: no cover
        resource "aws_sqs_queue" "prod_only" {
          count = 0
        }

        resource "aws_sns_topic" "t" { // pragma: no cover
        }

        resource "aws_sns_topic" "u" {
          name = "no cover" # mentions the words, not the pragma
        }
    """))
    result = block_coverage(root, ["infra:aws_sqs_queue.q"], tmp_path)
    assert result.statements == 2  # q and u; prod_only and t are excluded
    assert result.missing == {"infra/main.tf": [13]}


def test_a_trailing_pragma_excludes_its_own_block_not_the_next_one(tmp_path: Path):
    root = tmp_path / "infra"
    root.mkdir()
    (root / "main.tf").write_text(textwrap.dedent("""\
        data "aws_region" "current" {} # pragma: no cover
        resource "aws_sqs_queue" "q" {
          name = "q"
        }
        // pragma: no cover
        resource "aws_sqs_queue" "skipped" {}
    """))
    result = block_coverage(root, [], tmp_path)
    assert result.statements == 1  # q only: the data source and skipped are excluded
    assert result.missing == {"infra/main.tf": [2]}
