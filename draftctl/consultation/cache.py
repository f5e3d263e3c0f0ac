"""The per-commit cache under `.git/draftctl/`: token edits and word counts by blob ids.

Everything here is a pure function of two git blobs (and of the engine's format), so it is
kept content-addressed in one SQLite file in the repository's common git folder: never part of
a commit or a push, shared by worktrees, safe to delete. Each value carries a checksum; a
damaged value is ignored and rebuilt, a damaged file is replaced. Writes are one transaction
at `save()`. When the folder is read-only (or another process holds the lock too long) the
cache only reads, or is skipped: it changes how fast draftctl answers, never what.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import suppress
from pathlib import Path

import draftctl

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from draftctl.engine.edits import Edit
    from draftctl.git.repo import GitRepo

STORE_VERSION = 1  # bump when the file's layout changes; the name carries it
FOLDER = "draftctl"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (space TEXT NOT NULL, kind TEXT NOT NULL, "
    "key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (space, kind, key)) WITHOUT ROWID"
)
_BATCH = 400  # keys per SELECT … IN (…)
EDIT, COUNTS, CHUNKS = "edit", "counts", "chunks"


def cache_file(repo: GitRepo) -> Path:
    """Where the cache lives: `.git/draftctl/` of the common git folder (shared by worktrees)."""
    return repo.common_dir / FOLDER / f"cache-v{STORE_VERSION}.sqlite3"


class Cache:
    """Reads and (buffered) writes of cache entries; opened on first use."""

    def __init__(self, path: Path | None) -> None:
        from draftctl.engine.version import format_key  # not at import: listings stay light

        self.path = path
        self.space = f"{format_key()}-draftctl{draftctl.__version__}"
        self._conn: sqlite3.Connection | None = None
        self._opened = path is None
        self._pending: dict[tuple[str, str], bytes] = {}
        self._read: dict[tuple[str, str], bytes | None] = {}

    @classmethod
    def of(cls, repo: GitRepo) -> Cache:
        return cls(cache_file(repo))

    # -- reading ---------------------------------------------------------------------------

    def fetch(self, kind: str, keys: Iterable[str]) -> None:
        """Read many entries at once (later `get`s of these keys ask SQLite nothing)."""
        wanted = [k for k in dict.fromkeys(keys) if (kind, k) not in self._read]
        for k in wanted:
            self._read[(kind, k)] = None
        for at in range(0, len(wanted), _BATCH):
            batch = wanted[at : at + _BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._query(
                f"SELECT key, value FROM entries WHERE space = ? AND kind = ? AND key IN ({marks})",
                [self.space, kind, *batch],
            )
            for key, value in rows:
                self._read[(kind, key)] = bytes(value)

    def get(self, kind: str, key: str) -> bytes | None:
        if (kind, key) in self._pending:
            return self._pending[(kind, key)]
        if (kind, key) not in self._read:
            self.fetch(kind, [key])
        return self._read.get((kind, key))

    def put(self, kind: str, key: str, value: bytes) -> None:
        self._pending[(kind, key)] = value
        self._read[(kind, key)] = value

    # -- writing ---------------------------------------------------------------------------

    def save(self) -> None:
        """Write the new entries in one transaction (skipped when the cache cannot be written)."""
        if not self._pending:
            return
        rows = [(self.space, kind, key, value) for (kind, key), value in self._pending.items()]
        self._pending = {}
        conn = self._connection()
        if conn is None:
            return
        import sqlite3

        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as error:  # a cache that cannot be written is skipped
            self._failed(error)

    def close(self) -> None:
        self.save()
        self._disconnect()

    def _disconnect(self) -> None:
        if self._conn is not None:
            import sqlite3

            with suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    # -- the connection --------------------------------------------------------------------

    def _query(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        conn = self._connection()
        if conn is None:
            return []
        import sqlite3

        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.Error as error:  # an unreadable cache is a cache miss
            self._failed(error)
            return []

    def _connection(self) -> sqlite3.Connection | None:
        if not self._opened:
            self._opened = True
            self._conn = _open(self.path) if self.path is not None else None
        return self._conn

    def _failed(self, error: Exception) -> None:
        """A damaged file is removed (the next run starts a new one); a busy, read-only or
        full one is left alone. Either way this run goes on without it."""
        import sqlite3

        self._disconnect()
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(
            error, sqlite3.OperationalError
        ):
            _remove(self.path)
            self._opened = False  # reopened (fresh) on the next use


def _open(path: Path) -> sqlite3.Connection | None:
    """A connection that can write, else one that can only read, else None."""
    import sqlite3

    with suppress(OSError):
        path.parent.mkdir(exist_ok=True)
    for mode in ("rwc", "ro"):
        if mode == "ro" and not path.exists():
            return None
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=2.0)
            if mode == "rwc":
                conn.execute(_SCHEMA)
            else:
                conn.execute("SELECT 1 FROM entries LIMIT 1").fetchall()
            return conn
        except sqlite3.OperationalError:
            continue
        except sqlite3.DatabaseError:  # not a database (damaged): start again
            _remove(path)
            return _open(path) if mode == "rwc" and not path.exists() else None
    return None


def _remove(path: Path | None) -> None:
    if path is not None:
        for name in (path, path.with_name(path.name + "-journal")):
            with suppress(OSError):
                name.unlink()


# -- typed views -------------------------------------------------------------------------------


def pair_key(old: str | None, new: str | None) -> str:
    """The key of a pair of blobs (an absent side is empty)."""
    return f"{old or ''}:{new or ''}"


class ChunkCounts:
    """The token count of each chunk of a text, by its blob id, kept in the cache (so a
    repeated read-off need not tokenise a whole version the replay never coded)."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def get(self, blob: str) -> list[int] | None:
        return unpack_ints(self.cache.get(CHUNKS, blob))

    def __setitem__(self, blob: str, counts: list[int]) -> None:
        self.cache.put(CHUNKS, blob, pack_ints(counts))


class EditMemo(MutableMapping[tuple[str, str], "Edit"]):
    """The engine's memo of token edits, (old blob, new blob) → `Edit`, kept in the cache;
    `chunk_counts` keeps the chunk token counts of the texts a read-off compares."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.chunk_counts = ChunkCounts(cache)

    def prefetch(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.cache.fetch(EDIT, (pair_key(a, b) for a, b in pairs))

    def __getitem__(self, pair: tuple[str, str]) -> Edit:
        from draftctl.engine.edits import decode

        data = self.cache.get(EDIT, pair_key(*pair))
        edit = decode(data) if data is not None else None
        if edit is None:
            raise KeyError(pair)
        return edit

    def __setitem__(self, pair: tuple[str, str], edit: Edit) -> None:
        from draftctl.engine.edits import encode

        self.cache.put(EDIT, pair_key(*pair), encode(edit))

    def __delitem__(self, pair: tuple[str, str]) -> None:
        raise KeyError(pair)  # entries are immutable: nothing is ever removed one by one

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(())

    def __len__(self) -> int:
        return 0


def pack_counts(inserted: int, deleted: int) -> bytes:
    return pack_ints([inserted, deleted])


def pack_ints(values: list[int]) -> bytes:
    """Integers as checked bytes (`unpack_ints` reads them back)."""
    data = _ints(values)
    return zlib.crc32(data).to_bytes(4, "little") + data


def unpack_ints(data: bytes | None) -> list[int] | None:
    """The integers `pack_ints` wrote, or None when the value is missing or damaged."""
    if data is None or len(data) < 4 or (len(data) - 4) % 8:
        return None
    if zlib.crc32(data[4:]) != int.from_bytes(data[:4], "little"):
        return None
    values = array("q")
    values.frombytes(data[4:])
    if sys.byteorder == "big":  # pragma: no cover - depends on the machine
        values.byteswap()
    return values.tolist()


def unpack_counts(data: bytes | None) -> tuple[int, int] | None:
    """(inserted, deleted) words, or None when the value is missing or damaged."""
    values = unpack_ints(data) if data is not None and len(data) == 20 else None
    if values is None:
        return None
    inserted, deleted = values
    return (inserted, deleted) if inserted >= 0 and deleted >= 0 else None


def _ints(values: list[int]) -> bytes:
    body = array("q", values)
    if sys.byteorder == "big":  # pragma: no cover - depends on the machine
        body.byteswap()
    return body.tobytes()
