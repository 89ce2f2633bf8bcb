"""Every command-line option of pytest-iac and its ini twin, declared from one table.

Only the standard library and pytest are imported here: this module is loaded with the plugin.
What the values mean is :mod:`pytest_iac.config.settings`' job; this module declares them and
reads a value with where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["OPTIONS", "Option", "add_options", "path_moving_rootdir", "raw_setting"]


@dataclass(frozen=True)
class Option:
    name: str  # ini name; the flag is --name with dashes
    help: str
    kind: str = "string"  # "string", "bool", "linelist", "float"
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


OPTIONS = (
    Option("iac_app", "stack entry: 'package.module:callable', an entry script (tap.py), "
           "or a synthesized cdktf.out/ or cdk.tf.json", metavar="ENTRY"),
    Option("iac_stack_id", "construct id of the stack when the entry is a stack class "
           "(default: the class name)", metavar="ID"),
    Option("iac_app_kwargs", "keyword arguments for the entry callable, one KEY=VALUE per "
           "line (VALUE is read as YAML: true, 3, [a, b])", kind="linelist", metavar="KEY=VALUE"),
    Option("iac_tf_var", "input variable of a Terraform module entry, one KEY=VALUE per line (VALUE "
           "is read as YAML: true, 3, [a, b]); overrides app.vars of the YAML", kind="linelist",
           metavar="KEY=VALUE"),
    Option("iac_terraform_bin", "the terraform binary, or a compatible CLI such as tofu (default: "
           "$PYTEST_IAC_TERRAFORM, else terraform on PATH)", metavar="PATH"),
    Option("iac_requirements", "requirements YAML: turns the requirement gate on", metavar="PATH"),
    Option("iac_strict", "fail partial runs (-k, -m, --lf, node ids) like full ones, and "
           "fail instead of skip when a tool is missing (for CI)", kind="bool"),
    Option("iac_report_json", "write the gate's result as JSON to PATH (atomically)", metavar="PATH"),
    Option("iac_report_md", "write the gate's result as Markdown to PATH (also appended to "
           "$GITHUB_STEP_SUMMARY when set)", metavar="PATH"),
    Option("iac_report_html", "write the result as a self-contained HTML page to DIR/index.html "
           "(with coverage.py's HTML report of the stack code in DIR/coverage/)", metavar="DIR"),
    Option("iac_checks", "built-in checks as test items: on, off, or auto (default: on when "
           "the requirements gate is on and a stack entry is configured)", metavar="on|off|auto"),
    Option("iac_terraform_plugin_dir", "provider plugin directory or filesystem mirror for the "
           "offline 'terraform init' of the validate check (default: terraform's usual places, "
           "or $PYTEST_IAC_TF_PLUGIN_DIR)", metavar="DIR"),
    Option("iac_no_lazy_providers", "import provider packages (cdktf_cdktf_provider_*) eagerly, "
           "as plain Python would; by default only the submodules a stack uses are imported",
           kind="bool"),
    Option("iac_cache", "reuse the last synthesis while nothing it read has changed: on, off, or "
           "auto (default: on, off when the CI environment variable is set)", metavar="on|off|auto"),
    Option("iac_synth_timeout", "seconds the stack entry may take to synthesize before the run fails it, "
           "naming the entry (default: 600)", kind="float", metavar="SECONDS"),
    Option("iac_cache_clear", "remove pytest-iac's synthesis cache before the run", kind="bool"),
    Option("iac_cov_fail_under", "line coverage of the stack code that the gate requires, in "
           "percent (default: coverage.fail_under of the YAML, else 100)", kind="float", metavar="MIN"),
    Option("iac_cov_source", "package or path whose line coverage the gate measures (repeatable; "
           "default: coverage.source of the YAML, else the package of the stack entry)",
           kind="linelist", metavar="SOURCE"),
    Option("iac_cov_branch", "measure branch coverage too", kind="bool"),
    Option("iac_cov_report", "line-coverage report made by coverage.py from the gate's data, as "
           "pytest-cov's --cov-report (repeatable): term, term-missing (either with :skip-covered), "
           "html[:DIR], xml[:FILE], json[:FILE], lcov[:FILE]", kind="linelist", metavar="TYPE[:DEST]"),
    Option("iac_resource_fail_under", "share of synthesized resources that tests must assert on, "
           "in percent (default: coverage.resources_fail_under of the YAML; unset: report only)",
           kind="float", metavar="MIN"),
    Option("iac_deploy", "where iac_deployment deploys the stack: local (a moto server on a loopback port, "
           "the default), aws (a real account: only on the command line, with --iac-aws-account), or "
           "outputs (deploy nothing, read --iac-outputs-file); default: deployment.target of the "
           "requirements YAML, else local", metavar="local|aws|outputs"),
    Option("iac_outputs_file", "outputs JSON of a stack deployed elsewhere, flat ({name: value}) or nested "
           "by stack name, for --iac-deploy outputs (default: deployment.outputs_file of the YAML)",
           metavar="PATH"),
    Option("iac_keep_deployment", "leave the deployment (and the local endpoint) up at the end of the "
           "session, and print how to destroy it", kind="bool"),
    Option("iac_destroy", "local target: run terraform destroy against moto before stopping it. Without it "
           "moto is stopped and its state, kept in memory, is gone with it (faster); the aws target is always "
           "destroyed", kind="bool"),
    Option("iac_aws_account", "the AWS account id you confirm deploying to with --iac-deploy aws; must equal "
           "deployment.account_id of the requirements YAML", metavar="ACCOUNT_ID"),
)


def add_options(parser: pytest.Parser, options: tuple[Option, ...] = OPTIONS) -> None:
    """Declare each option and its ini twin, with one help text."""
    group = parser.getgroup("iac", "infrastructure-as-code gate (pytest-iac)")
    for opt in options:
        if opt.kind == "bool":
            group.addoption(opt.flag, action="store_true", default=None, dest=opt.name, help=opt.help)
        elif opt.kind == "linelist":
            group.addoption(opt.flag, action="append", default=None, dest=opt.name,
                            metavar=opt.metavar, help=opt.help)
        else:
            group.addoption(opt.flag, default=None, dest=opt.name, metavar=opt.metavar, help=opt.help)
        parser.addini(opt.name, opt.help, type=opt.kind if opt.kind != "float" else "string")


def raw_setting(config: pytest.Config, name: str) -> tuple[Any, str, Path]:
    """The value of a setting, where it came from, and the directory relative paths start at.

    Reads the early-parsed options, so that settings can be resolved before conftests load.
    """
    cli = getattr(config.known_args_namespace, name, None)
    if cli is not None:
        return cli, f"--{name.replace('_', '-')}", config.invocation_params.dir
    ini = config.getini(name)
    if ini not in (None, "", []):
        inipath = config.inipath
        where = inipath.name if inipath else "ini"
        return ini, f"{name} in {where}", inipath.parent if inipath else config.rootpath
    return None, "", config.rootpath


def path_moving_rootdir(args: list[str] | tuple[str, ...], invocation_dir: Path) -> str | None:
    """What to tell a user who wrote ``--iac-report-json ../out.json`` (a space, a path that
    exists outside the invocation directory): pytest chooses its rootdir, and the ini file, before
    plugins' options are known, so it took that value for a test path (pytest issue 8846)."""
    flags = {opt.flag for opt in OPTIONS if opt.metavar in ("PATH", "DIR", "ENTRY")}
    for flag, value in zip(args, args[1:]):
        if flag not in flags or value.startswith("-"):
            continue
        path = (invocation_dir / value).resolve()
        if path.exists() and not path.is_relative_to(invocation_dir.resolve()):
            return (f"{flag} {value}: pytest took this path for a test path when choosing its rootdir and "
                    f"ini file (it reads the command line before plugins' options are known); write "
                    f"{flag}={value} instead")
    return None
