"""The one runner for commands that run to completion (terraform version/init/validate/show)."""

from __future__ import annotations

import os
import sys
import textwrap
import time

import pytest

from pytest_iac.deploy._process import pid_alive
from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable
from pytest_iac.terraform.process import run, tail_lines

PY = sys.executable


def test_output_exit_status_env_and_cwd(tmp_path):
    code = "import os, sys; print(os.getcwd(), os.environ['PROBE']); print('warn', file=sys.stderr); sys.exit(3)"
    out = run([PY, "-c", code], cwd=tmp_path, env={**os.environ, "PROBE": "yes"}, timeout=30, what="probe",
              check=False)
    assert (out.returncode, out.stdout.split(), out.stderr) == (3, [str(tmp_path), "yes"], "warn\n")


def test_a_failure_names_what_the_command_and_the_tail_of_its_output(tmp_path):
    code = "import sys; print('\\n'.join(f'line {i}' for i in range(50))); sys.exit(2)"
    with pytest.raises(TerraformError) as info:
        run([PY, "-c", code], cwd=tmp_path, env=os.environ, timeout=30, what="terraform probe")
    message = str(info.value)
    assert message.startswith(f"terraform probe failed (exit 2) ({PY} -c ")
    assert message.endswith("\n".join(f"line {i}" for i in range(20, 50)))
    assert "line 19\n" not in message


def test_a_timeout_ends_the_whole_process_group(tmp_path):
    code = textwrap.dedent(f"""
        import subprocess, time
        child = subprocess.Popen([{PY!r}, "-c", "import time; time.sleep(60)"])
        print("grandchild", child.pid, flush=True)
        time.sleep(60)
    """)
    began = time.monotonic()
    with pytest.raises(TerraformError) as info:
        run([PY, "-c", code], cwd=tmp_path, env=os.environ, timeout=2, what="terraform init")
    assert time.monotonic() - began < 20
    message = str(info.value)
    assert message.startswith(f"terraform init timed out after 2 s ({PY} -c ")
    grandchild = int(message.rsplit("grandchild ", 1)[1].split()[0])
    deadline = time.monotonic() + 5
    while pid_alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(grandchild)


def test_a_command_that_cannot_start_is_unavailable(tmp_path):
    with pytest.raises(TerraformUnavailable, match="cannot run .*no-such-terraform"):
        run([str(tmp_path / "no-such-terraform"), "version"], cwd=tmp_path, env=os.environ, timeout=5, what="x")


def test_tail_lines():
    assert tail_lines("\n a\nb\nc\n\n", 2) == "b\nc"
