"""The engine's replay steps for a draft's history, keyed by git blob ids, texts read lazily.

git has already hashed every version of a draft, so a step names its text by blob id and reads
it only when the replay must compute an edit the cache does not hold. Texts that will be needed
are streamed by one pipelined `cat-file` on a background thread, so git inflates the next
versions while the replay works on the current one; the rest are never read.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence

from draftctl.consultation.cache import CHUNKS, Cache, EditMemo
from draftctl.consultation.workspace import Workspace, decode_draft
from draftctl.engine.weave import Step


def blob_ids(ws: Workspace, specs: Sequence[str]) -> list[str | None]:
    """The blob id each `rev:path` names (None: no such file), in one `cat-file --batch-check`."""
    if not specs:
        return []
    feed = "".join(spec.replace("\n", " ") + "\n" for spec in specs).encode()
    out = ws.repo.git("cat-file", "--batch-check=%(objectname) %(objecttype)", input=feed)
    found: list[str | None] = []
    for line in out.splitlines():
        parts = line.rsplit(" ", 1)
        found.append(parts[0] if len(parts) == 2 and parts[1] == "blob" else None)
    if len(found) != len(specs):
        return [None] * len(specs)
    return found


_AHEAD = 8  # blobs read ahead of the replay, unless it waits for one not read yet


class _Stream:
    """Blobs read in order by a background thread; `take` waits for one of them. The thread
    stays at most `_AHEAD` blobs ahead (bounded memory) unless a reader waits for more."""

    def __init__(self, contents: Iterator[bytes | None], blobs: list[str]) -> None:
        self.pending = set(blobs)
        self.ready: dict[str, bytes] = {}
        self.error: BaseException | None = None
        self.done = False
        self.waiting = 0  # readers waiting for a blob not read yet
        self.released = False  # no reader left: read the rest without waiting
        self.lock = threading.Condition()
        self.worker = threading.Thread(target=self._run, args=(contents, blobs), daemon=True)
        self.worker.start()

    def _run(self, contents: Iterator[bytes | None], blobs: list[str]) -> None:
        try:
            for blob, data in zip(blobs, contents, strict=True):
                with self.lock:
                    if self.released:
                        break  # (closing `contents` stops git)
                    self.ready[blob] = data or b""
                    self.lock.notify_all()
                    while len(self.ready) >= _AHEAD and not self.waiting and not self.released:
                        self.lock.wait()
        except BaseException as error:  # handed to the reader, raised where the text is read
            with self.lock:
                self.error = error
        finally:
            close = getattr(contents, "close", None)
            if close is not None:
                close()
            with self.lock:
                self.done = True
                self.lock.notify_all()

    def release(self) -> None:
        """The texts are no longer wanted: let the thread finish (and git exit)."""
        with self.lock:
            self.released = True
            self.ready.clear()
            self.lock.notify_all()

    def take(self, blob: str) -> bytes | None:
        """The blob's bytes (waiting for the thread to reach it); None if not streamed."""
        if blob not in self.pending:
            return None
        with self.lock:
            self.waiting += 1
            self.lock.notify_all()
            while blob not in self.ready and not self.done:
                self.lock.wait()
            self.waiting -= 1
            self.pending.discard(blob)
            self.lock.notify_all()  # room to read ahead again
            if blob in self.ready:
                return self.ready.pop(blob)
            if self.error is not None:
                raise self.error
            return None


class Texts:
    """A draft's texts by blob id: streamed in one batch when many are needed (decoded when
    first asked for), else read one by one."""

    def __init__(self, ws: Workspace, path: str) -> None:
        self.ws = ws
        self.path = path
        self.known: dict[str, str] = {}
        self.stream: _Stream | None = None

    def prefetch(self, blobs: Iterable[str | None]) -> None:
        if self.stream is not None:  # an earlier batch is read out first (rare)
            for blob in sorted(self.stream.pending):
                self.text(blob)
        wanted = [b for b in dict.fromkeys(blobs) if b and b not in self.known]
        if len(wanted) > 1:
            self.stream = _Stream(self.ws.repo.stream_blobs(wanted), wanted)
            weakref.finalize(self, self.stream.release)  # done with these texts

    def text(self, blob: str | None) -> str:
        if not blob:
            return ""
        if blob not in self.known:
            data = self.stream.take(blob) if self.stream is not None else None
            if data is None:
                data = self.ws.repo.read_object(blob) or b""
            self.known[blob] = decode_draft(data, self.path)
        return self.known[blob]

    def loader(self, blob: str | None) -> Callable[[], str]:
        return lambda: self.text(blob)


def open_memo(ws: Workspace) -> EditMemo:
    """The repository's cache of token edits, as the engine's memo."""
    return EditMemo(Cache.of(ws.repo))


def prepare(memo: EditMemo, texts: Texts, from_blob: str | None, steps: Sequence[Step]) -> None:
    """Read the cached edits of the chain at once (a merge's side branch included), then every
    text a missing edit will need (and the last one, which the read-off always needs)."""
    pairs = [(a, b) for a, b in _pairs(from_blob, steps) if a != b]
    memo.prefetch((a, b) for a, b in pairs if a is not None and b)  # "": the empty text
    ends = [b for b in (from_blob, steps[-1].blob if steps else None) if b]
    memo.cache.fetch(CHUNKS, ends)  # the read-off's two sides
    needed: list[str | None] = [steps[-1].blob] if steps else []
    for old, new in pairs:
        if old is None or not new or memo.get((old, new)) is None:
            needed += (old, new)
    texts.prefetch(needed)


def _pairs(from_blob: str | None, steps: Sequence[Step]) -> Iterator[tuple[str | None, str | None]]:
    """The (old blob, new blob) of every edit the replay of `steps` reads or computes."""
    previous = from_blob
    for step in steps:
        if step.side:
            base = step.side_base_blob
            yield from _pairs(base, step.side)
            yield _tip(base, step.side), step.blob  # the side's last text → the merge
            yield base, previous  # the merge base → the text the merge applies to
        if step.blob is not None and step.blob != previous:
            yield previous, step.blob
        previous = step.blob


def _tip(base: str | None, steps: Sequence[Step]) -> str | None:
    """The blob a chain of steps ends with (its base when it has no steps)."""
    return steps[-1].blob if steps else base
