"""``open_search(store)``: the search engine a store is searched with, for the app, ``casenotes
search`` and ``casenotes index``.

On PostgreSQL the database searches its own notes (``ServerSearch``): no index file on any
workstation, nothing to build or follow. On SQLite, the Whoosh index beside the database file
(``SearchIndex``), as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from store import Store
    from store.desks.desk import Desk

    from .results import SearchResults


class NoteSearch(Protocol):
    """What the app and the command line use of an engine."""

    def search(self, desk: Desk, text: str, *, family: int | None = None, limit: int = 50,
               order: str = "newest") -> SearchResults: ...

    def catch_up(self, *, wait: bool = False, progress: Callable[[int, int], None] | None = None,
                 once: bool = False) -> int: ...

    def rebuild(self, progress: Callable[[int, int], None] | None = None, workers: int | None = None) -> int: ...

    def check(self, repair: bool = False) -> list[str]: ...


def in_database(store: Store) -> bool:
    """Whether the store's database searches itself (PostgreSQL)."""
    from sqlalchemy.engine import make_url

    return make_url(store.url).get_backend_name() == "postgresql"


def open_search(store: Store) -> NoteSearch:
    if in_database(store):
        from .pg_engine import ServerSearch

        return ServerSearch(store)
    from .index import SearchIndex

    return SearchIndex.for_store(store)
