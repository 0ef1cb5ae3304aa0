"""The keyed chain: after ``medtrace audit key-chain`` every entry is hashed with HMAC-SHA256
under a key kept outside the database, so someone who can write the database (and drop its
triggers) but lacks the key cannot rewrite the history consistently."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from medtrace import settings as settings_module
from medtrace.platform.audit import chain, verify_chain
from medtrace.platform.audit import verify as verify_module
from medtrace.platform.audit.cli import app as audit_cli
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from tests.integration.platform.test_audit import _drop_triggers, make_user

KEY = "the-plant-audit-key-kept-in-a-vault-0123456789"
COLUMNS = ("action, actor_id, actor_kind, actor_name, at, changes, client_ip, entity_id, "
           "entity_ref, entity_type, reason, request_id")


def _rewrite_from(conn, first_id: int, key: bytes | None) -> None:
    """What an administrator with database access does: edit an entry, then recompute every
    hash from it on, so that every link holds again."""
    rows = conn.execute(text(f"SELECT id, {COLUMNS} FROM audit_entry WHERE id >= :id "
                             "ORDER BY id"), {"id": first_id}).all()
    prev = conn.execute(text("SELECT hash FROM audit_entry WHERE id < :id ORDER BY id DESC "
                             "LIMIT 1"), {"id": first_id}).scalar() or chain.GENESIS
    for row in rows:
        changes = row.changes if isinstance(row.changes, str) else chain.canonical_json(row.changes)
        at = row.at if isinstance(row.at, str) else chain.format_time(row.at)
        if isinstance(at, str) and " " in at:  # SQLite's stored form
            at = at.replace(" ", "T") + "Z"
        digest = chain.entry_hash(row.action, row.actor_id, row.actor_kind, row.actor_name, at,
                                  changes, row.client_ip, row.entity_id, row.entity_ref,
                                  row.entity_type, prev, row.reason, row.request_id, key=key)
        conn.execute(text("UPDATE audit_entry SET prev_hash = :p, hash = :h WHERE id = :id"),
                     {"p": "x" + str(row.id), "h": digest, "id": row.id})
        conn.execute(text("UPDATE audit_entry SET prev_hash = :p WHERE id = :id"),
                     {"p": prev, "id": row.id})
        prev = digest


@pytest.fixture
def keyed_env(scratch, backend, monkeypatch):
    url = scratch.new_url(backend)
    engine = make_engine(url)
    migrate.upgrade(engine)
    monkeypatch.setenv("MEDTRACE_DATABASE_URL", url)
    monkeypatch.setenv("MEDTRACE_AUDIT_KEY", KEY)
    settings_module.get_settings.cache_clear()
    chain.use_key(KEY)
    yield engine
    chain.use_key(None)
    settings_module.get_settings.cache_clear()
    engine.dispose()


def test_a_keyed_chain_verifies_with_its_key_only(keyed_env, monkeypatch):
    engine = keyed_env
    for name in ("alice", "bob"):
        make_user(Database(engine), name)
    runner = CliRunner()
    unconfirmed = runner.invoke(audit_cli, ["key-chain"])
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.output
    keyed = runner.invoke(audit_cli, ["key-chain", "--yes"])
    assert keyed.exit_code == 0 and "keyed: entries after 3" in keyed.output, keyed.output
    again = runner.invoke(audit_cli, ["key-chain", "--yes"])
    assert again.exit_code == 1 and "keyed since entry 3" in again.output
    for name in ("carol", "dave", "erin"):
        make_user(Database(engine), name)
    assert verify_chain(engine, key=KEY.encode()) == (True, 6, None, None)
    ok = runner.invoke(audit_cli, ["verify"])
    assert ok.exit_code == 0 and ok.output.startswith("OK 6 entries"), ok.output
    wrong = verify_chain(engine, key=b"another key")
    assert (wrong.ok, wrong.first_bad_id) == (False, 4)  # the first entry after the switch
    monkeypatch.setattr(verify_module, "MIN_PER_PROCESS", 1)
    assert verify_chain(engine, workers=3, key=KEY.encode()) == (True, 6, None, None)
    assert verify_chain(engine, workers=3, key=b"another key")[:3] == (False, 3, 4)


def test_a_consistent_rewrite_without_the_key_is_found(keyed_env, backend):
    engine = keyed_env
    make_user(Database(engine), "alice")
    with engine.begin() as conn:
        chain.key_chain(conn, actor_name="test")
    for name in ("bob", "carol"):
        make_user(Database(engine), name)
    with engine.begin() as conn:
        _drop_triggers(conn, backend)
        conn.execute(text("UPDATE audit_entry SET actor_name = 'nobody' WHERE id = 3"))
        _rewrite_from(conn, 3, key=None)  # every link holds, SHA-256 recomputed
    result = verify_chain(engine, key=KEY.encode())
    assert (result.ok, result.first_bad_id) == (False, 3)
    with engine.begin() as conn:  # the holder of the key can: the key is what must be guarded
        _rewrite_from(conn, 3, key=KEY.encode())
    assert verify_chain(engine, key=KEY.encode()).ok


def test_an_unkeyed_chain_rewritten_the_same_way_verifies(scratch, backend):
    """Why the keyed chain exists (the checkpoints are the other answer)."""
    engine = make_engine(scratch.new_url(backend))
    try:
        migrate.upgrade(engine)
        for name in ("alice", "bob", "carol"):
            make_user(Database(engine), name)
        with engine.begin() as conn:
            _drop_triggers(conn, backend)
            conn.execute(text("UPDATE audit_entry SET actor_name = 'nobody' WHERE id = 2"))
            _rewrite_from(conn, 2, key=None)
        assert verify_chain(engine).ok
    finally:
        engine.dispose()
