"""Reading objects in bulk: one long-lived `git cat-file --batch` and a streaming reader."""

from __future__ import annotations

import fcntl
import subprocess
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from draftctl.errors import GitError
from draftctl.git.process import SAFE, git_env


def object_size(header: bytes) -> int | None:
    """The size in a `cat-file --batch` header `<oid> <type> <size>`; None for `<name> missing`
    (the name may contain spaces, so the header is read from its right end)."""
    parts = header.rstrip(b"\n").rsplit(b" ", 2)
    if len(parts) != 3 or not parts[2].isdigit() or parts[1] in (b"missing", b"ambiguous"):
        return None
    return int(parts[2])


class CatFile:
    """One long-lived `git cat-file --batch` process for reading many objects cheaply."""

    def __init__(self, top: Path) -> None:
        self._proc = subprocess.Popen(
            ["git", *SAFE, "cat-file", "--batch"],
            cwd=top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=git_env(),
        )

    def read(self, spec: str) -> bytes | None:
        """The object's content, or None when it does not exist."""
        assert self._proc.stdin and self._proc.stdout
        if "\n" in spec:
            return None
        self._proc.stdin.write(spec.encode() + b"\n")
        self._proc.stdin.flush()
        size = object_size(self._proc.stdout.readline())
        if size is None:
            return None
        data = self._proc.stdout.read(size + 1)
        return data[:-1]

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait()


def stream_objects(top: Path, specs: list[str]) -> Iterator[bytes | None]:
    """The contents of many `rev:path` objects (None when missing), in order, from one
    `cat-file --batch` fed by a thread; its roomy pipe lets git run a blob or two ahead."""
    import threading

    if not specs:
        return

    proc = subprocess.Popen(
        ["git", *SAFE, "cat-file", "--batch"],
        cwd=top,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=git_env(),
    )
    assert proc.stdin and proc.stdout
    stdin, stdout = proc.stdin, proc.stdout
    with suppress(OSError, AttributeError):
        fcntl.fcntl(stdout.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)

    def feed() -> None:
        with suppress(OSError, ValueError):
            stdin.write("".join(s.replace("\n", " ") + "\n" for s in specs).encode())
            stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for _ in specs:
            header = stdout.readline()
            if not header:
                raise GitError("git cat-file stopped before every version was read")
            size = object_size(header)
            data = stdout.read(size) if size is not None else None
            stdout.read(1 if data is not None else 0)  # the newline after an object
            yield data
    finally:
        proc.kill()
        proc.wait()
        writer.join()
        stdout.close()
