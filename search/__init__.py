"""Full-text search of progress notes (issue 4; on PostgreSQL, issue 17).

``open_search(store)`` gives the engine for a store, each answering ``search(desk, text)`` with only
what that desk may see: on SQLite the Whoosh index beside the database file (``SearchIndex``, kept
in step with the change log: ``catch_up()``); on PostgreSQL the database itself (``ServerSearch``:
a trigger-kept tsvector, nothing on the workstation). Names are imported on first use, so that
importing ``search`` does not load Whoosh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .index import SearchIndex
    from .opening import open_search
    from .pg_engine import ServerSearch
    from .results import Hit, SearchResults

__all__ = ["open_search", "SearchIndex", "ServerSearch", "Hit", "SearchResults"]
_HOMES = {"SearchIndex": ".index", "ServerSearch": ".pg_engine", "open_search": ".opening", "Hit": ".results",
          "SearchResults": ".results"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
