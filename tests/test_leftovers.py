"""No leftovers: run-private temporary directories go at session end, and those of killed runs
are swept by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pytest_iac import rundirs

SLOW_TEST = """
    import pathlib, time

    def test_waits(iac_synth):
        pathlib.Path("started").write_text("1")
        time.sleep(60)
"""


@pytest.fixture
def private_tmp(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """A temp dir of the runs' own (TMPDIR), so what they leave can be listed."""
    tmp = pytester.path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    return tmp


def _ours(tmp) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("pytest-iac-"))


def test_sweep_removes_only_dirs_of_dead_owners(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    gone = [tmp_path / f"pytest-iac-{kind}-{dead_pid}-x1" for kind in rundirs.KINDS]
    kept = tmp_path / f"pytest-iac-deploy-{dead_pid}-kept"
    live = tmp_path / f"pytest-iac-synth-{os.getpid()}-x2"
    parent = tmp_path / f"pytest-iac-synth-{os.getppid()}-x3"
    other = tmp_path / f"pytest-iac-cache-{dead_pid}-x4"  # not a kind of ours
    for path in [*gone, kept, live, parent, other]:
        (path / "sub").mkdir(parents=True)
    rundirs.keep(kept)
    removed = rundirs.sweep(tmp_path)
    assert sorted(removed) == sorted(gone)
    assert all(p.exists() for p in (kept, live, parent, other))


def test_serial_run_leaves_nothing(pytester, synthesized_stack, private_tmp):
    pytester.makepyfile("def test_it(iac_synth):\n    assert iac_synth.stacks\n")
    result = pytester.runpytest_subprocess(f"--iac-app={synthesized_stack}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert _ours(private_tmp) == []


def test_killed_run_is_swept_by_the_next(pytester, synthesized_stack, private_tmp):
    pytester.makepyfile(test_slow=SLOW_TEST)
    proc = pytester.popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--iac-app={synthesized_stack}"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (pytester.path / "started").exists():
        assert time.monotonic() < deadline and proc.poll() is None, "the run never started its test"
        time.sleep(0.1)
    left = _ours(private_tmp)
    assert left and all(name.startswith(f"pytest-iac-synth-{proc.pid}-") for name in left)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _ours(private_tmp) == left  # kill -9: nothing could clean up
    pytester.makepyfile(test_slow="def test_quick():\n    pass\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--iac-app={synthesized_stack}").assert_outcomes(passed=1)
    assert _ours(private_tmp) == []


def test_xdist_run_without_cache_leaves_nothing(pytester, synthesized_stack, private_tmp, xdist, cdktf):
    pytester.makepyfile(tap="""
        from cdktf import App, TerraformStack, TerraformResource

        app = App()
        stack = TerraformStack(app, "one")
        TerraformResource(stack, "b", terraform_resource_type="aws_s3_bucket")
        app.synth()
    """)
    pytester.makepyfile(test_many="""
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_many(iac_synth, n):
            assert list(iac_synth.stacks) == ["one"]
    """)
    result = pytester.runpytest_subprocess("-n", "2", "--iac-app=tap.py", "--iac-cache=off", timeout=300)
    result.assert_outcomes(passed=4)
    assert _ours(private_tmp) == []
