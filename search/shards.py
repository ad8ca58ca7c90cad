"""The note index on disk: where it lives, its generations and shards, its writer lock and the
last change-log sequence number it holds. Filling it is ``build.py``'s work, following the log
``follow.py``'s, answering ``engine.py``'s; ``index.py`` puts them together as ``SearchIndex``.

Layout: ``<path>`` is a symbolic link to a generation directory beside it that holds
``shard-NN/`` (Whoosh indexes, a family's notes in shard ``case_id % shards``), ``applied_seq``
(the last change-log sequence number every shard holds), ``shards`` and ``writer.lock``. A rebuild
fills ``<path>.new``, renames it to a new generation and swaps the link, so readers and other
processes always see a whole index: a directory cannot replace a non-empty one in one step.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import re
import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from collections.abc import Callable, Iterator

from whoosh import index as whoosh_index

from .schema import note_schema

if TYPE_CHECKING:
    from whoosh.fields import Schema

    from store import Store
    from store.feed import Feed

LOCK, APPLIED, LAYOUT = "writer.lock", "applied_seq", "shards"
WRITER_TIMEOUT = 5.0  # seconds; our flock already keeps other processes out
DOC_CHUNK = 500  # notes read from the record at a time, while building or following the log
Progress = Callable[[int, int], None]
_GENERATION = re.compile(r"\.[0-9a-f]{12}")


class IndexUnusable(Exception):
    """The index on disk is missing, corrupt or built differently: it must be rebuilt."""


class IndexBusy(Exception):
    """The index cannot be used now because another process holds its lock to rebuild it."""


def default_path(url: str) -> Path:
    """``x.db.search`` beside a SQLite file; otherwise a folder of the user's data named by the URL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(f"{parsed.database}.search")
    import platformdirs

    digest = hashlib.sha1(url.encode()).hexdigest()[:12]
    return Path(platformdirs.user_data_dir("casenotes")) / f"search-{digest}"


def _shape(schema: Schema) -> list[tuple[str, str, bool]]:
    # Whoosh fields do not compare equal across loads (DATETIME holds a struct.Struct), so compare
    # what a change of schema.py would change: the names, kinds and storing of the fields.
    return [(name, type(field).__name__, bool(field.stored)) for name, field in schema.items()]


class ShardedIndex:
    """The index of a store's notes at ``path``, in ``shards`` shards: the files, not what is done
    with them (see ``SearchIndex``)."""

    def __init__(self, store: Store, path: str | Path, shards: int = 16):
        self.store = store
        self.path = Path(path).absolute()
        self.shards = shards
        self.schema = note_schema()
        self._opened: tuple[str, list[Any]] | None = None  # (generation directory, shard indexes)
        self._readers = threading.local()  # per thread, Whoosh readers are not shared between threads

    @property
    def feed(self) -> Feed:
        """The change log and note documents of the record indexed."""
        return self.store.feed()

    def shard_of(self, case_id: int) -> int:
        return case_id % self.shards

    # -- the writer lock --------------------------------------------------------------------
    @contextmanager
    def writer_lock(self, wait: bool) -> Iterator[bool]:
        """Hold ``writer.lock`` of the current generation: yields False if it is taken and not ``wait``."""
        for _ in range(100):
            self._ensure_home()
            try:
                fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
            except FileNotFoundError:  # the link moved between looking and opening
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                os.close(fd)
                yield False
                return
            if self._lock_is_current(fd):
                break
            os.close(fd)  # a rebuild swapped the index while we waited: lock the new one
        else:
            raise IndexUnusable(f"Could not lock the search index at {self.path}.")
        try:
            yield True
        finally:
            os.close(fd)

    def _lock_is_current(self, fd: int) -> bool:
        try:
            on_disk, held = os.stat(self.path / LOCK), os.fstat(fd)
        except FileNotFoundError:
            return False
        return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)

    # -- generations -----------------------------------------------------------------------
    def _ensure_home(self) -> None:
        """Make ``path`` a link to an (empty) generation if it leads nowhere."""
        if self.path.is_dir():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        generation = self._new_generation_dir()
        if self.path.is_symlink():  # dangling: its generation was removed by hand
            self.path.unlink(missing_ok=True)
        try:
            os.symlink(generation.name, self.path)  # fails if someone else made it first
        except FileExistsError:
            shutil.rmtree(generation, ignore_errors=True)

    def _new_generation_dir(self, source: Path | None = None) -> Path:
        generation = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex[:12]}")
        if source is None:
            generation.mkdir()
            (generation / LOCK).touch()
        else:
            os.rename(source, generation)
        return generation

    def new_build(self) -> Path:
        """``<path>.new`` with empty shards, for a rebuild (the caller holds the writer lock) to
        fill and then ``swap_in``."""
        self._opened = None
        build = self.path.with_name(f"{self.path.name}.new")
        shutil.rmtree(build, ignore_errors=True)  # left by a rebuild that was killed
        build.mkdir(parents=True)
        (build / LOCK).touch()
        (build / LAYOUT).write_text(f"{self.shards}\n")
        for n in range(self.shards):
            (build / f"shard-{n:02d}").mkdir()
            whoosh_index.create_in(str(build / f"shard-{n:02d}"), self.schema)
        return build

    def swap_in(self, build: Path) -> None:
        """Make the filled ``build`` the current generation, and remove the ones it replaces."""
        generation = self._new_generation_dir(build)
        link = self.path.with_name(f"{self.path.name}.link-{uuid.uuid4().hex[:8]}")
        os.symlink(generation.name, link)
        if self.path.is_dir() and not self.path.is_symlink():  # a plain folder, e.g. made by hand
            os.rename(self.path, self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex[:12]}"))
        os.replace(link, self.path)
        for stale in self.path.parent.glob(f"{glob.escape(self.path.name)}.*"):
            # The generation replaced, and any left by a rebuild killed before its swap.
            if stale != generation and _GENERATION.fullmatch(stale.name[len(self.path.name):]):
                shutil.rmtree(stale, ignore_errors=True)

    # -- how far the log is applied ----------------------------------------------------------
    def applied_seq(self) -> int:
        try:
            return int((self.path / APPLIED).read_text().strip())
        except (OSError, ValueError) as exc:
            raise IndexUnusable(f"applied_seq unreadable: {exc}") from exc

    def write_applied_seq(self, seq: int, directory: Path | None = None) -> None:
        """Atomically: a crash leaves the old number or the new, never a torn one."""
        target = (directory or self.path) / APPLIED
        temporary = target.with_name(f"{APPLIED}.{os.getpid()}.tmp")
        with open(temporary, "w") as out:
            out.write(f"{seq}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)

    # -- opening and reading the shards ------------------------------------------------------
    def open_shards(self) -> list[Any]:
        """The shard indexes of the current generation, or ``IndexUnusable``."""
        return self._current()[1]

    def _current(self) -> tuple[str, list[Any]]:
        """(generation directory, shard indexes): read once, as other threads may replace it."""
        generation = os.path.realpath(self.path)
        opened = self._opened
        if opened and opened[0] == generation and all(os.path.isdir(ix.storage.folder) for ix in opened[1]):
            return opened
        try:
            if (self.path / LAYOUT).read_text().strip() != str(self.shards):
                raise IndexUnusable("built with another number of shards")
            self.applied_seq()
            shards = [whoosh_index.open_dir(str(self.path / f"shard-{n:02d}")) for n in range(self.shards)]
        except IndexUnusable:
            raise
        except Exception as exc:  # missing, half-written or garbage: any of these means rebuild
            raise IndexUnusable(f"{type(exc).__name__}: {exc}") from exc
        if any(_shape(ix.schema) != _shape(self.schema) for ix in shards):
            raise IndexUnusable("built with another schema")
        self._opened = current = (generation, shards)
        return current

    def forget_opened(self) -> None:
        """Open the shards afresh next time (after an error reading them)."""
        self._opened = None
        self._close_readers(keep=None)

    def shard_reader(self, shard: int) -> tuple[Any, frozenset[str]]:
        """(reader, case ids with notes) of a shard as last committed. The reader is kept open
        between searches while it is current (opening one costs more than a small search) and is
        not to be closed by the caller; readers are kept per thread (Whoosh's are not shared)."""
        # Kept by generation directory, not by the shard objects: another thread searching at the
        # same time may open the shards afresh (after an error, or racing to open them first), and
        # closing this thread's readers for that closed them under its search (ReaderClosed).
        generation, shards = self._current()
        ix = shards[shard]
        cache = self._readers.__dict__.setdefault("by_shard", {})
        if any(kept[0] != generation for kept in cache.values()):  # a rebuild swapped the index
            self._close_readers(keep=generation)
        kept = cache.get(shard)
        if kept is None or kept[1].generation() != ix.latest_generation():
            if kept is not None:
                kept[1].close()
            reader = ix.reader()
            cache[shard] = kept = (generation, reader, frozenset(reader.field_terms("case_id")))
        return kept[1], kept[2]

    def _close_readers(self, keep: str | None) -> None:
        """Close this thread's readers of generations other than ``keep``, so that a replaced
        generation's files are let go (other threads close theirs on their next search)."""
        cache = self._readers.__dict__.get("by_shard", {})
        for shard, kept in list(cache.items()):
            if kept[0] != keep:
                kept[1].close()
                del cache[shard]
