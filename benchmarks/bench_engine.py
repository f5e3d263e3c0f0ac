"""Benchmark the diff engine against `git diff --word-diff` and time attribution over history.

Run: python benchmarks/bench_engine.py [--sizes 50k,500k,5m] [--steps 250] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gen_drafts

from draftctl.engine import tokendiff as diffing
from draftctl.engine.attribution import Step, attribute
from draftctl.engine.diff import DocDiff, diff_texts, is_wordish

GOALS = {"500k": 10.0, "5m": 5.0}  # allowed time ratio to git
MEMORY_GOAL_MB = 300.0


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_mb(run: Callable[[], Any]) -> float:
    """Peak Python heap (MB) allocated while `run` works, by tracemalloc."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def child_rss_mb(old: Path, new: Path) -> float:
    """Peak resident memory (MB) of a fresh Python process that only diffs the two files."""
    code = (
        "import resource, sys; sys.path.insert(0, sys.argv[3]);"
        "from draftctl.engine.diff import diff_texts;"
        "r = lambda p: open(p, encoding='utf-8').read();"
        "diff_texts(r(sys.argv[1]), r(sys.argv[2]));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    root = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", code, str(old), str(new), root], capture_output=True, check=True
    )
    return int(done.stdout) / 1e3


def git_word_diff(old: Path, new: Path) -> tuple[float, str]:
    """Wall time of the whole `git diff --word-diff` process, and its output."""
    cmd = ["git", "diff", "--no-index", "--word-diff=porcelain", "--diff-algorithm=histogram"]
    start = time.perf_counter()
    done = subprocess.run([*cmd, str(old), str(new)], capture_output=True, check=False)
    return time.perf_counter() - start, done.stdout.decode("utf-8", "replace")


def git_regions(porcelain: str) -> int:
    """Runs of +/- words in git's porcelain word diff (blank context lines do not split one)."""
    regions, inside, started = 0, False, False
    for line in porcelain.splitlines():
        if line.startswith("@@"):
            started, inside = True, False
        elif not started or line == "~":
            continue
        elif line[:1] in "+-":
            regions += not inside
            inside = True
        elif line[1:].strip():
            inside = False
    return regions


def quality(doc: DocDiff) -> dict[str, int]:
    """Edges inside words and changes caused by whitespace alone (both must be 0)."""
    inside = 0
    for pair in doc.pairs:
        for seg in pair.segments:
            if seg.op == "equal":
                continue
            text, start = (
                (doc.new, seg.new_start) if seg.op == "insert" else (doc.old, seg.old_start)
            )
            for edge in (start, start + len(seg.new or seg.old)):
                if 0 < edge < len(text) and is_wordish(text[edge - 1]) and is_wordish(text[edge]):
                    inside += 1
    reflow = sum(
        1
        for c in doc.changes
        if c.kind != "move" and "".join(c.old_text.split()) == "".join(c.new_text.split())
    )
    return {"edges_inside_words": inside, "reflow_only_changes": reflow}


def bench_pair(name: str, size: int, folder: Path, repeat: int) -> dict[str, Any]:
    old, new = gen_drafts.make_pair(size)
    old_path, new_path = folder / f"{name}-old.md", folder / f"{name}-new.md"
    old_path.write_text(old, encoding="utf-8")
    new_path.write_text(new, encoding="utf-8")
    git_time, porcelain = min(git_word_diff(old_path, new_path) for _ in range(repeat))
    ours, doc = best_of(repeat, lambda: diff_texts(old, new))
    assert doc.rebuild_old() == old and doc.rebuild_new() == new
    kinds = Counter(c.kind for c in doc.changes)
    return {
        "name": name,
        "bytes": len(new.encode()),
        "ours_s": ours,
        "git_s": git_time,
        "ratio": ours / git_time,
        "peak_mb": peak_mb(lambda: diff_texts(old, new)),
        "rss_mb": child_rss_mb(old_path, new_path),
        "changes": len(doc.changes),
        "kinds": dict(kinds),
        "git_regions": git_regions(porcelain),
        "approximate": doc.approximate,
        **quality(doc),
    }


def bench_history(steps: int, repeat: int) -> dict[str, Any]:
    base, texts = gen_drafts.make_history(steps=steps)
    chain = [Step(f"c{k:03d}", text) for k, text in enumerate(texts)]
    elapsed, result = best_of(max(1, repeat - 1), lambda: attribute(base, chain))
    uncredited = sum(1 for c in result.diff.changes if not result.credits[c.id])
    return {
        "steps": steps,
        "bytes": len(texts[-1].encode()),
        "seconds": elapsed,
        "changes": len(result.diff.changes),
        "uncredited": uncredited,
        "peak_mb": peak_mb(lambda: attribute(base, chain)),
    }


def report(rows: list[dict[str, Any]], history: dict[str, Any] | None) -> None:
    engine = "fast_diff_match_patch (C++)" if diffing._fast is not None else "diff-match-patch"
    print(f"engine: {engine}")
    print(
        f"{'size':>5} {'ours':>8} {'git':>8} {'ratio':>6} {'goal':>5} {'heap MB':>8} {'RSS MB':>7}"
        f" {'changes':>7} {'git rgns':>8} {'in-word':>7} {'reflow':>6}  kinds"
    )
    for r in rows:
        goal = GOALS.get(r["name"])
        print(
            f"{r['name']:>5} {r['ours_s']:8.3f} {r['git_s']:8.3f} {r['ratio']:6.1f} "
            f"{(str(goal) + 'x') if goal else '-':>5} {r['peak_mb']:8.1f} {r['rss_mb']:7.0f} "
            f"{r['changes']:7d} "
            f"{r['git_regions']:8d} {r['edges_inside_words']:7d} {r['reflow_only_changes']:6d}"
            f"  {r['kinds']}{'  (approximate)' if r['approximate'] else ''}"
        )
    if history:
        print(
            f"attribute: {history['steps']} steps over {history['bytes'] / 1e3:.0f} KB in "
            f"{history['seconds']:.2f}s, {history['changes']} changes, "
            f"{history['uncredited']} uncredited, peak {history['peak_mb']:.1f} MB"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print("heap MB: tracemalloc peak during diff_texts; RSS MB: a fresh process that only diffs")
    print(f"(goal < {MEMORY_GOAL_MB:.0f} MB at 5 MB); this whole benchmark process: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50k,500k,5m", help="comma-separated: 50k,500k,5m")
    parser.add_argument("--steps", type=int, default=250, help="history length (0 to skip)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    diff_texts("warm up the caches", "warm the caches up")
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            bench_pair(name, gen_drafts.SIZES[name], Path(tmp), args.repeat)
            for name in args.sizes.split(",")
        ]
    history = bench_history(args.steps, args.repeat) if args.steps else None
    report(rows, history)


if __name__ == "__main__":
    main()
