"""Start-up: `draftctl --help` against a minimal Typer app's `--help` (goal: within 1.2x).

Run: python benchmarks/bench_startup.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(name)


@app.command()
def bye() -> None:
    """Say bye."""


app()
'''


def best_of(command: list[str], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "minimal.py"
        script.write_text(MINIMAL)
        minimal = best_of([sys.executable, str(script), "--help"])
        draftctl = best_of([sys.executable, "-m", "draftctl", "--help"])
        heavy = best_of([sys.executable, "-c", "import git, markdown_it, diff_match_patch, rich"])
    print(f"{'command':44} {'seconds':>8} {'ratio':>7}")
    print(f"{'minimal Typer app --help':44} {minimal:8.3f} {1.0:7.2f}")
    print(f"{'draftctl --help':44} {draftctl:8.3f} {draftctl / minimal:7.2f}")
    label = "(import GitPython+markdown-it+dmp+rich alone)"
    print(f"{label:44} {heavy:8.3f} {heavy / minimal:7.2f}")


if __name__ == "__main__":
    main()
