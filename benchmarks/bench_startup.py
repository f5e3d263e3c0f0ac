"""Start-up: each everyday command's whole-process time against `python -c pass` (issue 12).

Builds the sample repository with `draftctl demo`, edits one paragraph (for `status`), then
times every command as a whole process, best of N runs, on this machine and interpreter.

Python code is timed as an installed user runs it: from bytecode. pip compiles a package's
bytecode when it installs it, but an editable checkout under PYTHONDONTWRITEBYTECODE=1 (as on
the shared build machine) would compile every draftctl module from source on every run, which
no user pays; so the runs write and reuse bytecode under a scratch PYTHONPYCACHEPREFIX, after
one untimed warm-up run. `--no-bytecode` times the checkout as it is instead.

Run: python benchmarks/bench_startup.py [--runs N] [--no-bytecode]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

MINIMAL = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world", loud: bool = False, times: int = 1) -> None:
    """Say hello."""
    print(name)


@app.command()
def bye() -> None:
    """Say bye."""


app()
'''
# (label, draftctl arguments, goal as a multiple of `python -c pass`)
COMMANDS = [
    ("round list --json", ["round", "list", "--json"], 8),
    ("stakeholder list", ["stakeholder", "list"], 8),
    ("versions", ["versions"], 8),
    ("feedback list", ["feedback", "list"], 8),
    ("status (one edited paragraph)", ["status"], 12),
    ("log --json", ["log", "--json"], None),
    ("--version", ["--version"], None),
]


class Timing(NamedTuple):
    wall: float
    cpu: float


ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}


def use_bytecode(cache: Path) -> None:
    """Let the timed processes write and reuse bytecode, in `cache` (the checkout stays clean)."""
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(cache)


def best_of(command: list[str], runs: int, cwd: Path | None = None) -> Timing:
    """The fastest of `runs` whole-process runs (wall clock, and CPU of the process and the
    git processes it ran) after one untimed warm-up: the least disturbed by other load."""
    walls, cpus = [], []
    env = ENV
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(min(walls), min(cpus))


def build_sample(where: Path) -> Path:
    """The sample consultation, with one paragraph of the draft edited on disk."""
    repo = where / "demo"
    subprocess.run(
        [sys.executable, "-m", "draftctl", "demo", str(repo)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    draft = next((repo / "drafts").glob("*.md"))
    text = draft.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    target = next(i for i, p in enumerate(paragraphs) if len(p.split()) > 20)
    paragraphs[target] = paragraphs[target].replace(" the ", " the revised ", 1)
    draft.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return repo


def row(label: str, took: Timing, base: Timing, goal: float | None) -> str:
    ratio = took.wall / base.wall
    verdict = "" if goal is None else ("  ok" if ratio <= goal else "  OVER")
    target = "" if goal is None else f"≤{goal:g}×"
    cpu = f"{took.cpu:6.3f} {took.cpu / base.cpu:6.1f}×"
    return f"{label:40} {took.wall:6.3f} {ratio:6.1f}× {cpu} {target:>5}{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-bytecode", action="store_true", help="time without bytecode")
    arguments = parser.parse_args()
    runs = arguments.runs
    draftctl = [sys.executable, "-m", "draftctl"]
    with tempfile.TemporaryDirectory() as tmp:
        if not arguments.no_bytecode:
            use_bytecode(Path(tmp) / "pycache")
        source = "none: modules compiled from source on every run"
        print("bytecode:", source if arguments.no_bytecode else "written once, then reused")
        repo = build_sample(Path(tmp))
        script = Path(tmp) / "minimal.py"
        script.write_text(MINIMAL)
        base = best_of([sys.executable, "-c", "pass"], runs)
        print(f"{'':40} {'wall s':>6} {'ratio':>7} {'cpu s':>6} {'ratio':>7} {'goal':>5}")
        print(row("python -c pass", base, base, None))
        for label, args, goal in COMMANDS:
            print(row(f"draftctl {label}", best_of([*draftctl, *args], runs, repo), base, goal))
        minimal = best_of([sys.executable, str(script), "--help"], runs)
        helped = best_of([*draftctl, "--help"], runs, repo)
        print(row("minimal Typer app --help", minimal, base, None))
        print(row("draftctl --help", helped, base, None))
        ratio, cpu = helped.wall / minimal.wall, helped.cpu / minimal.cpu
        verdict = "ok" if ratio <= 1.2 else "OVER"
        print(f"draftctl --help / minimal Typer app --help: {ratio:.2f}× wall, {cpu:.2f}× cpu")
        print(f"(goal ≤1.2×) {verdict}")


if __name__ == "__main__":
    main()
