"""Full-text search of progress notes, kept in step with store/ through its change log (issue 4).

``SearchIndex.for_store(store)`` opens (or builds) the index beside the database; ``catch_up()``
applies the change log, ``search(desk, text)`` answers with only what that desk may see. Names are
imported on first use, so that importing ``search`` does not load Whoosh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Hit, SearchResults
    from .index import SearchIndex

__all__ = ["SearchIndex", "Hit", "SearchResults"]
_HOMES = {"SearchIndex": ".index", "Hit": ".engine", "SearchResults": ".engine"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
