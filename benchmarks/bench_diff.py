"""Whole-process benchmark: draftctl against git on the same repositories.

Run: python benchmarks/bench_diff.py [--sizes 500k,5m] [--steps 250] [--runs 3]

1. Two-version diff: `draftctl diff A B --format json` against
   `git diff --word-diff=porcelain --diff-algorithm=histogram A B` (goals, from issue 9: 20x
   at 500 KB, 5x at 5 MB; peak memory under 300 MB at 5 MB). The pair has about one change
   per 4.6 KB spread over the whole draft (109 changes at 500 KB, 1131 at 5 MB); a diff of one
   step runs the engine on the windows around the changes (engine/window.py).
2. Annotated diff across a history of attributed commits on the 500 KB draft:
   `draftctl diff FROM HEAD --format json` and `draftctl blame --at HEAD` against
   `git blame --porcelain FROM..HEAD -- drafts/policy.md` (goals: first run 2x, repeat run 1x).
3. A long history of large rewrites (sections rewritten and reordered, lists turned into prose;
   --rewrites commits on a 200 KB draft): the same commands against git blame of the whole
   range (goal: 10x).
A first run starts with no cache (.git/draftctl/ removed before each run); a repeat run reads
the per-commit edits the first run kept there. Each figure is the best wall time of --runs
whole processes, with the peak resident memory of that process.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_drafts

SIZES = {"50k": 50_000, "500k": 500_000, "5m": 5_000_000}
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "took = time.perf_counter() - start\n"
    "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(done.returncode, took, rss)\n"
)


def measure(command: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Best wall time (s) and the peak RSS (MB) of `command` as a whole process."""
    best, peak = float("inf"), 0.0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if out[0] != "0":
            raise SystemExit(f"failed: {' '.join(command)}")
        best, peak = min(best, float(out[1])), max(peak, int(out[2]) / 1024)
    return best, peak


def measure_cold(command: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """`measure` with the cache removed before every run: the first-run time."""
    best, peak = float("inf"), 0.0
    for _ in range(runs):
        shutil.rmtree(cwd / ".git" / "draftctl", ignore_errors=True)
        seconds, mb = measure(command, cwd, 1)
        best, peak = min(best, seconds), max(peak, mb)
    return best, peak


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env
    ).stdout


def commit_text(repo: Path, text: str, message: str, stamp: int) -> None:
    (repo / "drafts" / "policy.md").write_text(text, encoding="utf-8")
    git(repo, "add", "drafts/policy.md")
    date = f"{stamp} +0000"
    env = {
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "PATH": "/usr/bin:/bin",
        "HOME": str(repo.parent),
    }
    git(
        repo,
        "-c",
        "user.name=Bench",
        "-c",
        "user.email=b@example.org",
        "commit",
        "-q",
        "-m",
        message,
        env=env,
    )


def new_repo(folder: Path) -> Path:
    repo = folder / "repo"
    (repo / "drafts").mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main", str(repo))
    (repo / "draftctl.toml").write_text(
        '[draftctl]\nname = "bench"\ndrafts = "drafts"\n\n[rounds.bench]\ntitle = "Bench"\n'
        'state = "open"\nstakeholders = []\n'
    )
    git(repo, "add", "draftctl.toml")
    return repo


def row(name: str, seconds: float, mb: float, base: float | None) -> None:
    ratio = f"{seconds / base:6.1f}x" if base else "      -"
    print(f"  {name:58} {seconds:8.3f} s {ratio} {mb:8.0f} MB")


def bench_pair(label: str, runs: int) -> None:
    old, new = gen_drafts.make_pair(SIZES[label])
    with tempfile.TemporaryDirectory() as tmp:
        repo = new_repo(Path(tmp))
        commit_text(repo, old, "old\n\nConsultation-Round: bench\n", 1_400_000_000)
        commit_text(repo, new, "new\n\nConsultation-Round: bench\n", 1_400_003_600)
        git_s, git_mb = measure(
            [
                "git",
                "diff",
                "--word-diff=porcelain",
                "--diff-algorithm=histogram",
                "HEAD~1",
                "HEAD",
            ],
            repo,
            runs,
        )
        ours_s, ours_mb = measure(
            [sys.executable, "-m", "draftctl", "diff", "HEAD~1", "HEAD", "--format", "json"],
            repo,
            runs,
        )
    print(f"two-version diff, {len(new.encode()) / 1e6:.2f} MB draft:")
    row("git diff --word-diff=porcelain --diff-algorithm=histogram", git_s, git_mb, None)
    row("draftctl diff --format json", ours_s, ours_mb, git_s)


def bench_history(steps: int, runs: int, rewrites: bool = False) -> None:
    if rewrites:
        base, texts = gen_drafts.make_rewrites(steps=steps)
        title = f"long history of large rewrites, {steps} commits"
    else:
        base, texts = gen_drafts.make_history(steps=steps)
        title = f"annotated history, {steps} commits"
    with tempfile.TemporaryDirectory() as tmp:
        repo = new_repo(Path(tmp))
        commit_text(repo, base, "base\n\nConsultation-Round: bench\n", 1_400_000_000)
        git(repo, "tag", "start")
        for number, text in enumerate(texts, 1):
            message = f"Edit {number}\n\nConsultation-Round: bench\n"
            commit_text(repo, text, message, 1_400_000_000 + number * 3600)
        blame = ["git", "blame", "--porcelain", "start..HEAD", "--", "drafts/policy.md"]
        blame_s, blame_mb = measure(blame, repo, runs)
        diff = [sys.executable, "-m", "draftctl", "diff", "start", "HEAD", "--format", "json"]
        ours_blame = [sys.executable, "-m", "draftctl", "blame", "--at", "HEAD", "--json"]
        rows = [
            ("draftctl diff start HEAD --format json, first run", measure_cold(diff, repo, runs)),
            ("draftctl diff start HEAD --format json, repeat run", measure(diff, repo, runs)),
            ("draftctl blame --at HEAD --json, first run", measure_cold(ours_blame, repo, runs)),
            ("draftctl blame --at HEAD --json, repeat run", measure(ours_blame, repo, runs)),
        ]
    print(f"{title} on a {len(texts[-1].encode()) / 1e6:.2f} MB draft:")
    row("git blame --porcelain start..HEAD -- drafts/policy.md", blame_s, blame_mb, None)
    for name, (seconds, mb) in rows:
        row(name, seconds, mb, blame_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="500k,5m")
    parser.add_argument("--steps", type=int, default=250)
    parser.add_argument("--rewrites", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    for label in filter(None, args.sizes.split(",")):
        bench_pair(label, args.runs)
    if args.steps:
        bench_history(args.steps, args.runs)
    if args.rewrites:
        bench_history(args.rewrites, args.runs, rewrites=True)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
