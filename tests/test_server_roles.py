"""The agency server: each worker signs in as their own PostgreSQL login role (issue 17)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store import NoAccess, Store


def test_a_worker_signs_in_as_their_own_role(role_url, clock):
    url = role_url("cw")
    opened = Store.open(url, clock=clock)
    desk = opened.signed_in()
    assert desk.login == "cw"
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT casenotes_worker_id()")).scalar() == desk.worker_id
    engine.dispose()
    opened.close()


def test_the_owner_is_no_worker_and_sqlite_has_no_users(db_url, agency, store):
    with pytest.raises(NoAccess) as refused:
        store.signed_in()
    if make_url(db_url).get_backend_name() == "sqlite":
        assert "no database users" in str(refused.value)
    else:
        assert "is no active casenotes worker's" in str(refused.value)
