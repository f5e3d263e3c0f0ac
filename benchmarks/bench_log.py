"""Benchmark `draftctl log` over 2,000 attributed commits against the bare `git log` it wraps.

Run: python benchmarks/bench_log.py [--commits N]
Prints whole-process wall times (best of 5) and the ratios. Goal: within 8x of the bare git log.
The first `draftctl log --json` runs once with an empty cache (it counts every commit's words
and keeps them under .git/draftctl/); the repeat runs read the counts from that cache.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "state obligation protect respect fulfil rights health access justice violence evidence "
    "consultation stakeholder review policy law police criminal adult consent labour safety "
    "service community research guidance recommendation discrimination housing migrant"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def fast_import_stream(commits: int, rng: random.Random) -> bytes:
    paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(60)]
    rounds = ["internal-drafting", "evidence-review", "field-research", "consultation"]
    out: list[bytes] = []
    config = b'[draftctl]\nname = "bench"\ndrafts = "drafts"\n'
    for n in range(commits):
        paragraphs[rng.randrange(len(paragraphs))] = " ".join(sentence(rng) for _ in range(4))
        text = "# Bench policy\n\n" + "\n\n".join(paragraphs) + "\n"
        data = text.encode()
        message = (
            f"Edit paragraph {n}\n\nBody of the change.\n\n"
            f"Consultation-Round: {rounds[n % 4]}\nPrompted-By: who\nRationale: reason {n}\n"
        ).encode()
        stamp = 1_400_000_000 + n * 3600
        out.append(b"commit refs/heads/main\n")
        out.append(f"committer Bench <b@example.org> {stamp} +0000\n".encode())
        out.append(b"data %d\n%s\n" % (len(message), message))
        if not n:
            out.append(b"M 100644 inline draftctl.toml\ndata %d\n%s\n" % (len(config), config))
        out.append(b"M 100644 inline drafts/policy.md\ndata %d\n%s\n" % (len(data), data))
    return b"".join(out)


def make_repo(folder: Path, commits: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    stream = fast_import_stream(commits, random.Random(7))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=folder, check=True)


def best_of(command: list[str], cwd: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        print(f"building {args.commits} attributed commits …", file=sys.stderr)
        make_repo(repo, args.commits)
        fmt = "--format=%H%x1f%an%x1f%aI%x1f%s%x1f%(trailers:only,unfold)%x1f%N"
        bare = ["git", "log", fmt, "--", "drafts/"]
        with_words = ["git", "log", fmt, "-p", "--word-diff=porcelain", "-U0", "--", "drafts/"]
        draftctl = [sys.executable, "-m", "draftctl"]
        os.environ["NO_COLOR"] = "1"
        shutil.rmtree(repo / ".git" / "draftctl", ignore_errors=True)
        rows = [
            ("git log (trailers only)", best_of(bare, repo)),
            ("git log -p --word-diff", best_of(with_words, repo)),
            (
                "draftctl log --json (first run, empty cache)",
                best_of([*draftctl, "log", "--json"], repo, 1),
            ),
            ("draftctl log --json (repeat run)", best_of([*draftctl, "log", "--json"], repo)),
            ("draftctl log (table)", best_of([*draftctl, "log"], repo)),
        ]
        base = rows[0][1]
        print(f"{'command':50} {'seconds':>9} {'x bare git log':>15}")
        for name, seconds in rows:
            print(f"{name:50} {seconds:9.3f} {seconds / base:15.1f}")


if __name__ == "__main__":
    main()
