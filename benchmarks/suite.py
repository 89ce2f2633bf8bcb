"""Issue 6's benchmarks side by side in one run, ending with one table of ratios.

    python benchmarks/suite.py [--quick] [--only a,b,c,d,e] [--sizes 50,200]

a. the plugin vs the same tests written as real projects do, 50 and 200 tests, cold and warm
b. the example's suite: warm (cache hit) vs cold
c. plugin load overhead: 200 trivial tests with vs -p no:iac
d. queries on a generated stack of 10,000 resources (per operation, in-process)
e. a fresh-process synthesis with vs without lazy provider imports

Every variant is run sequentially in fresh processes; the medians are compared. See README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import EXAMPLE, table
from _suites import big_config, plugin_args, write_suites

# PYTHONDONTWRITEBYTECODE is dropped so that a second run is bytecode-warm, as on a developer's machine
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "PYTHONPATH": os.pathsep.join(p for p in (str(EXAMPLE), os.environ.get("PYTHONPATH")) if p),
}


@dataclass
class Row:
    name: str
    a: str
    b: str
    ratio: str
    target: str
    met: bool | None  # None: for information only


def run(cmd: list[str], cwd: Path, *expect: str, codes: tuple[int, ...] = (0,)) -> float:
    """Wall seconds of one fresh process; it must exit with one of ``codes``, report no failed
    test and print every ``expect``."""
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - started
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    missing = [text for text in expect if text not in done.stdout]
    if done.returncode not in codes or re.search(r"\d+ (failed|errors?)\b", last) or missing:
        raise SystemExit(f"{' '.join(cmd)} (in {cwd}) exited {done.returncode}, missing {missing}:\n"
                         f"{done.stdout[-3000:]}")
    return seconds


def pytest(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", *args]


def spread(samples: list[float]) -> str:
    return f"{min(samples):.2f}/{statistics.median(samples):.2f}/{max(samples):.2f}"


def ratio_row(name: str, a: list[float], b: list[float], target: str, ok) -> Row:
    ratio = statistics.median(a) / statistics.median(b)
    return Row(name, spread(a), spread(b), f"{ratio:.3g}x", target, ok(ratio))


def forget_bytecode(folder: Path, *, pytest_cache: bool = False) -> None:
    shutil.rmtree(folder / "__pycache__", ignore_errors=True)
    if pytest_cache:
        shutil.rmtree(folder / ".pytest_cache", ignore_errors=True)


def bench_a(tmp: Path, runs: int, sizes: list[int]) -> list[Row]:
    rows, speedups = [], {}
    for n in sizes:
        plugin, baseline = write_suites(tmp / f"a{n}", n)
        times: dict[str, list[float]] = {k: [] for k in ("plugin cold", "plugin warm", "real cold", "real warm")}
        for _ in range(runs):
            forget_bytecode(plugin)
            times["plugin cold"].append(run(pytest(*plugin_args(), "--iac-cache-clear"), plugin,
                                            f"{n} passed", "cache miss"))
            times["plugin warm"].append(run(pytest(*plugin_args()), plugin, f"{n} passed", "cache hit"))
            forget_bytecode(baseline, pytest_cache=True)
            times["real cold"].append(run(pytest("-p", "no:iac"), baseline, f"{n} passed"))
            times["real warm"].append(run(pytest("-p", "no:iac"), baseline, f"{n} passed"))
        for kind, minimum in (("cold", 5), ("warm", 15)):
            previous = speedups.get(kind)
            grows = "" if previous is None else f", > {previous:.3g}x"
            row = ratio_row(f"a. {n} tests {kind}: real-project / plugin", times[f"real {kind}"],
                            times[f"plugin {kind}"], f">= {minimum}x{grows}",
                            lambda r: r >= minimum and (previous is None or r > previous))
            speedups[kind] = float(row.ratio[:-1])
            rows.append(row)
    return rows


def bench_b(tmp: Path, runs: int) -> list[Row]:
    # the unit tier only: the integration tier deploys (minutes, not cached) and would swamp it
    args = ["tests/unit", "-o", f"cache_dir={tmp / 'b-cache'}", "--iac-cache", "on"]
    cold, warm = [], []
    for _ in range(runs):
        # exit status 1 is allowed: the example's gate may fail on requirements this does not run
        cold.append(run(pytest(*args, "--iac-cache-clear"), EXAMPLE, "cache miss", codes=(0, 1)))
        warm.append(run(pytest(*args), EXAMPLE, "cache hit", codes=(0, 1)))
    validate = "validate runs" if os.environ.get("PYTEST_IAC_TF_PLUGIN_DIR") else "validate skips"
    return [ratio_row(f"b. example suite ({validate}): warm / cold", warm, cold, "<= 0.1x", lambda r: r <= 0.1)]


def bench_c(tmp: Path, runs: int) -> list[Row]:
    suite = tmp / "c"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n")
    (suite / "test_trivial.py").write_text("".join(f"def test_{i}():\n    assert {i} == {i}\n" for i in range(200)))
    common = ["-p", "no:cacheprovider", "-p", "no:cov", "-p", "no:xdist"]
    with_iac, without = [], []
    for _ in range(runs):  # alternating, so machine noise hits both alike
        with_iac.append(run(pytest(*common), suite, "200 passed"))
        without.append(run(pytest(*common, "-p", "no:iac"), suite, "200 passed"))
    return [ratio_row("c. 200 trivial tests: with plugin / -p no:iac", with_iac, without, "<= 1.05x",
                      lambda r: r <= 1.05)]


def per_op(call, arguments: list, batches: int) -> float:
    """Median over batches of the seconds per call."""
    samples = []
    for _ in range(batches):
        started = time.perf_counter()
        for argument in arguments:
            call(*argument)
        samples.append((time.perf_counter() - started) / len(arguments))
    return statistics.median(samples)


def bench_d(quick: bool) -> list[Row]:
    from pytest_iac.assertions.template import Template

    config = big_config(10_000)
    started = time.perf_counter()
    examined: set[str] = set()
    template = Template(config, on_examine=examined.add)
    built = time.perf_counter() - started
    rng = random.Random(6)
    picks = [(rtype, name) for rtype, named in config["resource"].items() for name in named]
    picks = [picks[rng.randrange(len(picks))] for _ in range(2_000 if quick else 20_000)]
    by_props = [(t, {"name": config["resource"][t][n]["name"], "tags": {"Tier": config["resource"][t][n]["tags"]["Tier"]}})
                for t, n in picks[:50 if quick else 200]]
    batches = 3 if quick else 5
    measured = {
        "resource(address)": per_op(template.resource, [(f"{t}.{n}",) for t, n in picks], batches),
        "find_resources(type, props)": per_op(template.find_resources, by_props, batches),
        "has_resource_properties(type, props)": per_op(template.has_resource_properties, by_props, batches),
        "resource_by_path(path)": per_op(template.resource_by_path,
                                         [(f"big/{t}/{n}",) for t, n in picks[:20 if quick else 100]], batches),
    }
    rows = [Row("d. Template(config) of 10,000 resources", f"{built:.3f} s", "", "", "", None)]
    for query, seconds in measured.items():
        rows.append(Row(f"d. {query}, 10k resources", f"{seconds * 1e3:.3g} ms/op", f"{1 / seconds:,.0f} ops/s",
                        "", "< 1 ms", seconds < 1e-3))
    return rows


SYNTH_SCRIPT = """\
import sys
if sys.argv[1] == "lazy":
    from pytest_iac.synthesis import lazy_providers
    lazy_providers.install()
from cdktf import App
from payment_stack.stack import PaymentStack
app = App(outdir=sys.argv[2])
PaymentStack(app, "payments", environment_suffix="test")
app.synth()
"""


def bench_e(tmp: Path, runs: int) -> list[Row]:
    times: dict[str, list[float]] = {"lazy": [], "eager": []}
    for i in range(runs):
        for mode in times:
            times[mode].append(run([sys.executable, "-c", SYNTH_SCRIPT, mode, str(tmp / f"e-{mode}-{i}")], tmp))
    outputs = {(tmp / f"e-{mode}-0" / "stacks" / "payments" / "cdk.tf.json").read_text() for mode in times}
    if len(outputs) != 1:
        raise SystemExit("e: the lazy and the eager synthesis differ")
    return [ratio_row("e. fresh-process synth: lazy / eager provider import", times["lazy"], times["eager"],
                      "<= 0.3x", lambda r: r <= 0.3)]


def load() -> str:
    return subprocess.run(["uptime"], stdout=subprocess.PIPE, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one run per variant (a smoke run)")
    parser.add_argument("--only", default="a,b,c,d,e", help="comma-separated subset of a,b,c,d,e")
    parser.add_argument("--sizes", default="50,200", help="test counts for (a)")
    options = parser.parse_args()
    only = set(options.only.split(","))
    runs = 1 if options.quick else 3
    print(f"start: {load()}  ({os.cpu_count()} cores)", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="pytest-iac-bench-") as name:
        tmp = Path(name)
        steps = {
            "a": lambda: bench_a(tmp, runs, [int(n) for n in options.sizes.split(",")]),
            "b": lambda: bench_b(tmp, runs),
            "c": lambda: bench_c(tmp, 3 if options.quick else 7),
            "d": lambda: bench_d(options.quick),
            "e": lambda: bench_e(tmp, runs),
        }
        for key, step in steps.items():
            if key in only:
                started = time.perf_counter()
                rows += step()
                print(f"{key} done in {time.perf_counter() - started:.0f}s; {load()}", flush=True)
    print(f"\nseconds as min/median/max of {runs} runs ((c): {3 if options.quick else 7}); ratio = median A / median B")
    print(table([("measurement: A / B", "A", "B", "ratio", "target", "met?")]
                + [(r.name, r.a, r.b, r.ratio, r.target, {True: "yes", False: "NO", None: ""}[r.met]) for r in rows]))


if __name__ == "__main__":
    main()
