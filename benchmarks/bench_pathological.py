"""Whole-process benchmark on pathological drafts: each with a small edit committed on top.

Run: python benchmarks/bench_pathological.py [--only NAME,…] [--timeout 120]

Drafts (generated here, deterministic): 5 MB in one paragraph; 100,000 short lines; one line of
1,000,000 punctuation marks; 12 MB of mixed Arabic, Chinese and emoji; and a draft just under
draftctl's 20 MiB limit (plus one just over it, which must be refused with a clear error).
For each: `draftctl diff HEAD~1 HEAD --format json`, `draftctl blame --rev HEAD --json` and
`draftctl export HEAD -o FILE`, wall time and peak resident memory of the whole process.
Goals: under 10 s and 500 MB each; at the 20 MiB limit under 60 s and 1 GB.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_drafts
from bench_diff import commit_text, new_repo

LIMIT = 20 * 1024 * 1024  # draftctl's documented per-draft limit (consultation.workspace)
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "try:\n"
    "    done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,\n"
    "                          stderr=subprocess.PIPE, timeout=float(sys.argv[1]))\n"
    "    code, err = done.returncode, done.stderr.decode(errors='replace')\n"
    "except subprocess.TimeoutExpired:\n"
    "    code, err = 'timeout', ''\n"
    "took = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(code, took, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n"
    "print(err.strip().splitlines()[0] if err.strip() else '')\n"
)
WORDS = gen_drafts._CORE_WORDS


def one_paragraph(size: int = 5_000_000) -> str:
    """One line of prose: sentences and no line break until the end."""
    rng = random.Random(1)
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choices(WORDS, k=rng.randint(8, 24))).capitalize() + "."
        parts.append(sentence)
        length += len(sentence) + 1
    return " ".join(parts) + "\n"


def short_lines(count: int = 100_000) -> str:
    """Lines of one to three words with no blank line between them."""
    rng = random.Random(2)
    return "".join(" ".join(rng.choices(WORDS, k=rng.randint(1, 3))) + "\n" for _ in range(count))


def punctuation(count: int = 1_000_000) -> str:
    """One line of punctuation marks, each its own token."""
    rng = random.Random(3)
    return "".join(rng.choices(".,;:!?()[]'\"/&%", k=count)) + "\n"


def _arabic_word(rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x627, 0x64A)) for _ in range(rng.randint(2, 7)))


def _chinese_run(rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 6)))


_EMOJI = ["😀", "🎉", "👍🏽", "👨\u200d👩\u200d👧", "🇺🇳", "❤️", "🌍", "✅", "📄", "🤝"]


def mixed_scripts(size: int = 12_000_000) -> str:
    """Paragraphs mixing Arabic words, runs of Chinese characters and emoji (UTF-8 bytes)."""
    rng = random.Random(4)
    makers: list[Callable[[random.Random], str]] = [
        _arabic_word,
        _chinese_run,
        lambda r: r.choice(_EMOJI),
    ]
    paragraphs: list[str] = []
    length = 0
    while length < size:
        words = [rng.choice(makers)(rng) for _ in range(rng.randint(20, 80))]
        paragraph = " ".join(words) + "\n\n"
        paragraphs.append(paragraph)
        length += len(paragraph.encode())
    return "".join(paragraphs)


def near_limit() -> str:
    """Ordinary policy prose just under the 20 MiB limit."""
    text = gen_drafts.make_draft(LIMIT - 200_000, seed=9)
    while len(text.encode()) > LIMIT - 1024:
        text = text[: len(text) - 100_000]
    return text


def small_edit(text: str) -> str:
    """Change a few tokens near the middle (a word replaced, a phrase inserted)."""
    middle = len(text) // 2
    cut = text.find(" ", middle)
    cut = middle if cut < 0 else cut
    tail = text[cut:]
    return text[:cut] + " amended text" + tail[:40].replace(",", ";", 1) + tail[40:]


DRAFTS: dict[str, tuple[Callable[[], str], float, float]] = {
    "one-paragraph-5mb": (one_paragraph, 10, 500),
    "100k-short-lines": (short_lines, 10, 500),
    "1m-punctuation": (punctuation, 10, 500),
    "12mb-arabic-chinese-emoji": (mixed_scripts, 10, 500),
    "20mib-limit": (near_limit, 60, 1024),
}
COMMANDS = {
    "diff": ["diff", "HEAD~1", "HEAD", "--format", "json"],
    "blame": ["blame", "--rev", "HEAD", "--json"],
    "export": ["export", "HEAD", "-o", "../export.html"],
}


Result = tuple[str, float, float, float, str]


def measure(command: list[str], cwd: Path, timeout: float) -> Result:
    """(exit code, wall seconds, peak RSS in MB, CPU seconds, first line of stderr) of one
    whole process (CPU time tells a loaded machine from a slow program)."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(timeout), *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    code, took, rss, cpu = out[0].split()
    return code, float(took), int(rss) / 1024, float(cpu), out[1] if len(out) > 1 else ""


def bench(name: str, timeout: float) -> None:
    make, goal_s, goal_mb = DRAFTS[name]
    text = make()
    edited = small_edit(text)
    print(f"{name}: {len(edited.encode()) / 1e6:.1f} MB, {edited.count(chr(10)):,} lines")
    with tempfile.TemporaryDirectory() as tmp:
        repo = new_repo(Path(tmp))
        commit_text(repo, text, "old\n\nConsultation-Round: bench\n", 1_400_000_000)
        commit_text(repo, edited, "edit\n\nConsultation-Round: bench\n", 1_400_003_600)
        for label, args in COMMANDS.items():
            code, took, mb, cpu, err = measure(
                [sys.executable, "-m", "draftctl", *args], repo, timeout
            )
            ok = code == "0" and took <= goal_s and mb <= goal_mb
            status = "ok" if ok else f"MISSED (exit {code}{': ' + err if err else ''})"
            print(
                f"  draftctl {label:7} {took:8.2f} s {mb:8.0f} MB {cpu:8.2f} s CPU   "
                f"goal {goal_s:g} s / {goal_mb:g} MB  {status}"
            )


def over_limit(timeout: float) -> None:
    """A draft one byte over the limit is refused with one clear error line."""
    text = "a" * (LIMIT - 1) + "\n\n"
    with tempfile.TemporaryDirectory() as tmp:
        repo = new_repo(Path(tmp))
        commit_text(repo, "# Small\n", "old\n\nConsultation-Round: bench\n", 1_400_000_000)
        commit_text(repo, text, "big\n\nConsultation-Round: bench\n", 1_400_003_600)
        code, took, mb, _, err = measure(
            [sys.executable, "-m", "draftctl", *COMMANDS["diff"]], repo, timeout
        )
    refused = code == "1" and err.startswith("error:")
    print(f"20 MiB + 1 byte: exit {code} in {took:.2f} s, {mb:.0f} MB: {err}")
    print(f"  {'ok' if refused else 'MISSED'}: refused with a clear error")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=",".join([*DRAFTS, "over-limit"]))
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    for name in args.only.split(","):
        if name == "over-limit":
            over_limit(args.timeout)
        else:
            bench(name, args.timeout)


if __name__ == "__main__":
    main()
