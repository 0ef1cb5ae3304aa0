"""The audit trail on a real database: what is recorded, by whom and why, and that the chain
and the append-only triggers hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Date, Integer, MetaData, String, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from typer.testing import CliRunner

from medtrace import settings as settings_module
from medtrace.platform.actor import Actor
from medtrace.platform.audit import (
    MASK,
    AuditBypassError,
    Audited,
    AuditEntry,
    ReasonRequired,
    count_entries,
    entries_csv,
    history_for,
    list_entries,
    verify_chain,
)
from medtrace.platform.audit import verify as verify_module
from medtrace.platform.audit.cli import app as audit_cli
from medtrace.platform.auth.models import Role, User, UserSite
from medtrace.platform.db import migrate
from medtrace.platform.db.base import Quantity, UTCDateTime
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.policy import COMPANY_NAME_ZH, set_setting

ALICE_ADMIN = Actor(kind="user", id=7, name="admin", printed_name="Admin")
CONTEXT = {"actor": ALICE_ADMIN, "request_id": "req-42", "client_ip": "10.1.2.3"}


class ProbeBase(DeclarativeBase):
    metadata = MetaData()


class Probe(Audited, ProbeBase):
    """A test-only record with a controlled state (a TEMPORARY table, not in the migrations)."""

    __tablename__ = "test_audit_probe"
    __table_args__ = {"prefixes": ["TEMPORARY"]}  # noqa: RUF012
    __audit_ref__ = "code"
    __audit_controlled__ = ("status", {"released"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    qty: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


@pytest.fixture
def probes(db):
    with db.bind.begin_nested():
        ProbeBase.metadata.create_all(db.bind)


def make_user(db, username="alice", **context) -> int:
    with UnitOfWork(db, context={**CONTEXT, **context}) as uow:
        user = User(username=username, printed_name="Alice", password_hash="secret-hash-1")
        uow.session.add(user)
        uow.flush()
        return user.id


def entries(db, **filters) -> list[AuditEntry]:
    with UnitOfWork(db, write=False) as uow:
        found = list(reversed(list_entries(uow, limit=1000, **filters)))
        uow.session.expunge_all()  # keep them loaded past the read-only rollback
        return found


def test_creating_updating_and_deleting_a_user_is_recorded_with_old_and_new_values(db):
    user_id = make_user(db)
    with UnitOfWork(db, context=CONTEXT) as uow:
        user = uow.session.get(User, user_id)
        user.printed_name = "Alice Wang"
        user.password_hash = "secret-hash-2"
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.delete(uow.session.get(User, user_id))

    created, updated, deleted = entries(db, entity_type="auth_user")
    assert [e.action for e in (created, updated, deleted)] == [
        "auth.user.create", "auth.user.update", "auth.user.delete",
    ]
    assert {e.entity_id for e in (created, updated, deleted)} == {str(user_id)}
    assert {e.entity_ref for e in (created, updated, deleted)} == {"alice"}
    assert created.changes["username"] == {"old": None, "new": "alice"}
    assert created.changes["password_hash"] == {"old": None, "new": MASK}
    assert created.changes["id"] == {"old": None, "new": user_id}
    assert updated.changes == {
        "printed_name": {"old": "Alice", "new": "Alice Wang"},
        "password_hash": {"old": MASK, "new": MASK},
    }
    assert deleted.changes["printed_name"] == {"old": "Alice Wang", "new": None}
    assert deleted.changes["password_hash"] == {"old": MASK, "new": None}
    for entry in (created, updated, deleted):
        assert "secret-hash" not in str(entry.changes)
        assert entry.operation in ("create", "update", "delete")


def test_an_update_that_changes_nothing_writes_nothing(db):
    user_id = make_user(db)
    before = len(entries(db))
    with UnitOfWork(db, context=CONTEXT) as uow:
        user = uow.session.get(User, user_id)
        user.printed_name = "Alice"  # the value it already has
        user.email = None
        uow.flush()
    assert len(entries(db)) == before


def test_entries_carry_the_actor_request_and_reason_of_the_unit_of_work(db):
    user_id = make_user(db)
    with UnitOfWork(db, context={**CONTEXT, "reason": "name misspelt at hiring"}) as uow:
        uow.session.get(User, user_id).printed_name = "Alicia"
    entry = entries(db, entity_type="auth_user")[-1]
    assert (entry.actor_kind, entry.actor_id, entry.actor_name) == ("user", 7, "admin")
    assert (entry.request_id, entry.client_ip) == ("req-42", "10.1.2.3")
    assert entry.reason == "name misspelt at hiring"
    assert entry.at.tzinfo is not None and entry.at.utcoffset() == dt.timedelta(0)


def test_without_an_actor_the_system_is_recorded(db):
    with UnitOfWork(db) as uow:
        set_setting(uow, COMPANY_NAME_ZH, "华康")
    entry = entries(db, entity_type="platform_setting")[-1]
    assert (entry.actor_kind, entry.actor_name, entry.actor_id) == ("system", "system", None)
    assert entry.action == "platform.setting.create"
    assert entry.entity_id == entry.entity_ref == "company.name_zh"
    assert entry.changes["value"] == {"old": None, "new": "华康"}


def test_roles_and_sites_are_recorded_as_rows_of_their_own(db):
    user_id = make_user(db)
    with UnitOfWork(db, context=CONTEXT) as uow:
        role = Role(code="qa_manager", name_zh="质量经理", name_en="QA manager")
        user = uow.session.get(User, user_id)
        user.roles.append(role)
        user.sites.append(UserSite(site_code="SH01"))
    with UnitOfWork(db, context=CONTEXT) as uow:
        user = uow.session.get(User, user_id)
        user.roles.clear()
        user.sites.clear()  # delete-orphan

    links = entries(db, entity_type="auth_user_role") + entries(db, entity_type="auth_user_site")
    assert [(e.action, e.entity_ref) for e in links] == [
        ("auth.user_role.create", "alice / qa_manager"),
        ("auth.user_role.delete", "alice / qa_manager"),
        ("auth.user_site.create", "alice / SH01"),
        ("auth.user_site.delete", "alice / SH01"),
    ]
    assert links[1].changes["user_id"] == {"old": user_id, "new": None}
    assert verify_chain(db.bind).ok


def test_the_history_of_one_record_and_filtered_lists(db):
    alice, bob = make_user(db, "alice"), make_user(db, "bob", actor=Actor("user", 8, "carol"))
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.get(User, alice).active = False
    with UnitOfWork(db, write=False) as uow:
        history = history_for(uow, uow.session.get(User, alice))
        assert [e.action for e in history] == ["auth.user.create", "auth.user.update"]
        assert [e.entity_ref for e in list_entries(uow, actor_name="carol")] == ["bob"]
        newest = list_entries(uow, entity_type="auth_user", limit=2)
        assert [e.entity_id for e in newest] == [str(alice), str(bob)]
        assert count_entries(uow, entity_type="auth_user") == 3
        assert count_entries(uow, entity_type="auth_user", entity_id=str(bob)) == 1
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
        assert list_entries(uow, since=later) == []
        assert len(list_entries(uow, entity_type="auth_user", until=later, offset=1)) == 2
        lines = list(entries_csv(history))
    assert lines[0].startswith("id,at,action,entity_type,entity_id,entity_ref,")
    assert len(lines) == 3 and lines[1].endswith("\r\n")
    assert ",auth.user.update,auth_user," in lines[2]


def test_changing_a_released_record_needs_a_reason(db, probes):
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.add(Probe(id=1, code="P-1", status="draft", qty=Decimal("1.5")))
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.get(Probe, 1).status = "released"  # releasing a draft needs no reason
    before = len(entries(db))

    with pytest.raises(ReasonRequired) as refused, UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.get(Probe, 1).qty = Decimal("2")
    assert refused.value.code == "MT-AUDIT-REASON-REQUIRED" and refused.value.status == 422
    with pytest.raises(ReasonRequired), UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.delete(uow.session.get(Probe, 1))
    assert len(entries(db)) == before

    moment = dt.datetime(2026, 3, 1, 8, 30, 15, 123000, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with UnitOfWork(db, context={**CONTEXT, "reason": "CAPA-7: label corrected"}) as uow:
        probe = uow.session.get(Probe, 1)
        probe.qty, probe.due, probe.seen_at = Decimal("2.25"), dt.date(2027, 1, 31), moment
    entry = entries(db, entity_type="test_audit_probe")[-1]
    assert entry.reason == "CAPA-7: label corrected"
    assert entry.action == "test.audit_probe.update" and entry.entity_ref == "P-1"
    assert entry.changes == {
        "qty": {"old": "1.5", "new": "2.25"},
        "due": {"old": None, "new": "2027-01-31"},
        "seen_at": {"old": None, "new": "2026-03-01T00:30:15.123000Z"},
    }
    with UnitOfWork(db, context={**CONTEXT, "reason": "withdrawn"}) as uow:
        uow.session.delete(uow.session.get(Probe, 1))
    assert entries(db)[-1].action == "test.audit_probe.delete"
    assert verify_chain(db.bind).ok


def test_a_change_to_an_unloaded_field_still_records_its_old_value(db, probes):
    with UnitOfWork(db, context=CONTEXT) as uow:
        uow.session.add(Probe(id=2, code="P-2", status="released"))
    with UnitOfWork(db, context=CONTEXT) as uow:
        probe = uow.session.get(Probe, 2)
        uow.session.expire(probe)
        with pytest.raises(ReasonRequired):
            probe.status = "draft"
            uow.flush()
        uow.session.rollback()
    with UnitOfWork(db, context={**CONTEXT, "reason": "reopened"}) as uow:
        probe = uow.session.get(Probe, 2)
        uow.session.expire(probe, ["code"])
        probe.code = "P-2b"
    assert entries(db)[-1].changes == {"code": {"old": "P-2", "new": "P-2b"}}


def test_bulk_statements_on_audited_tables_are_refused(db):
    make_user(db)
    with pytest.raises(AuditBypassError), UnitOfWork(db) as uow:
        uow.session.execute(update(User).values(active=False))


def test_the_chain_verifies_and_the_table_refuses_update_and_delete(db, backend):
    make_user(db, "alice")
    make_user(db, "bob")
    result = verify_chain(db.bind)
    assert result.ok and result.count >= 2
    statements = ["UPDATE audit_entry SET reason = 'later'", "DELETE FROM audit_entry"]
    if backend == "postgresql":
        statements.append("TRUNCATE audit_entry")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), db.bind.begin_nested():
            db.bind.exec_driver_sql(statement)
    assert verify_chain(db.bind) == result


def _drop_triggers(connection, backend):
    if backend == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
        connection.exec_driver_sql("DROP TRIGGER audit_entry_no_delete")
    else:
        connection.exec_driver_sql("DROP TRIGGER audit_entry_no_update_delete ON audit_entry")


def test_an_altered_or_removed_entry_is_found_by_its_id(db, backend):
    for name in ("alice", "bob", "carol"):
        make_user(db, name)
    first, second, third = [e.id for e in entries(db)][-3:]
    _drop_triggers(db.bind, backend)  # inside the test's transaction: rolled back at the end

    with db.bind.begin_nested() as tampering:
        db.bind.execute(text("UPDATE audit_entry SET actor_name = 'nobody' WHERE id = :id"),
                        {"id": second})
        result = verify_chain(db.bind)
        assert (result.ok, result.first_bad_id) == (False, second)
        assert result.reason == "hash does not match the entry's content"
        tampering.rollback()
    with db.bind.begin_nested() as tampering:
        db.bind.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": second})
        result = verify_chain(db.bind)
        assert (result.ok, result.first_bad_id) == (False, third)
        assert result.reason == f"prev_hash does not match the hash of entry {first}"
        tampering.rollback()
    assert verify_chain(db.bind).ok


def test_any_text_is_hashed_and_verified_exactly(db):
    tricky = 'quote " back \\ slash \n new\tline \x01\x1f \x7f é 中文 \u2028 \U0001f600'
    user_id = make_user(db, "o'brien")
    with UnitOfWork(db, context={**CONTEXT, "reason": tricky, "request_id": tricky}) as uow:
        uow.session.get(User, user_id).printed_name = tricky
    entry = entries(db, entity_type="auth_user")[-1]
    assert entry.reason == tricky and entry.changes["printed_name"]["new"] == tricky
    result = verify_chain(db.bind)
    assert result.ok and result.count == len(entries(db))


def test_a_value_of_the_wrong_type_is_reported_not_raised(db, backend):
    if backend != "sqlite":
        pytest.skip("only SQLite lets a column hold a value of another type")
    make_user(db)
    _drop_triggers(db.bind, backend)
    entry_id = entries(db)[-1].id
    db.bind.execute(text("UPDATE audit_entry SET actor_id = 'x' WHERE id = :id"), {"id": entry_id})
    assert verify_chain(db.bind).first_bad_id == entry_id


def test_id_ranges_verified_in_parallel_check_every_link(scratch, backend, monkeypatch):
    monkeypatch.setattr(verify_module, "MIN_PER_PROCESS", 1)
    engine = make_engine(scratch.new_url(backend))
    try:
        migrate.upgrade(engine)
        for n in range(6):
            make_user(Database(engine), f"user{n}")
        assert verify_chain(engine, workers=2) == verify_chain(engine) == (True, 6, None, None)
        with engine.begin() as conn:
            _drop_triggers(conn, backend)
            conn.exec_driver_sql("UPDATE audit_entry SET reason = 'late' WHERE id = 5")
        assert verify_chain(engine, workers=2) == verify_chain(engine)
        assert verify_chain(engine, workers=2)[:3] == (False, 4, 5)
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM audit_entry WHERE id >= 4")
        make_user(Database(engine), "late")  # chains after entry 3 again
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM audit_entry WHERE id = 2")
        result = verify_chain(engine, workers=2)
        assert result == verify_chain(engine)
        assert result == (False, 1, 3, "prev_hash does not match the hash of entry 1")
    finally:
        engine.dispose()


def test_the_cli_verifies_the_chain(scratch, monkeypatch):
    url = scratch.new_url("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    for name in ("alice", "bob", "carol"):
        make_user(Database(engine), name)
    monkeypatch.setenv("MEDTRACE_DATABASE_URL", url)
    settings_module.get_settings.cache_clear()
    try:
        runner = CliRunner()
        ok = runner.invoke(audit_cli, ["verify"])
        assert ok.exit_code == 0 and ok.output.startswith("OK 3 entries"), ok.output
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
            conn.exec_driver_sql("UPDATE audit_entry SET entity_ref = 'mallory' WHERE id = 2")
        bad = runner.invoke(audit_cli, ["verify"])
        assert bad.exit_code == 1
        assert bad.output.strip() == "BAD entry 2: hash does not match the entry's content"
        with engine.connect() as conn:
            last = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc())).scalar()
        assert runner.invoke(audit_cli, ["head"]).output.strip() == last
    finally:
        settings_module.get_settings.cache_clear()
        engine.dispose()


def test_verify_compares_the_chain_with_the_sealed_checkpoints(scratch, monkeypatch, tmp_path):
    """A chain cut short, or rewritten consistently after the triggers were dropped, verifies on
    its own: only the head recorded outside the database shows it."""
    from medtrace.platform.audit.anchor import FILE_NAME, latest_checkpoint
    from medtrace.platform.audit.checkpoint import record_checkpoint

    url = scratch.new_url("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    for name in ("alice", "bob", "carol"):
        make_user(Database(engine), name)
    monkeypatch.setenv("MEDTRACE_DATABASE_URL", url)
    monkeypatch.setenv("MEDTRACE_AUDIT_CHECKPOINT_DIR", str(tmp_path / "anchor"))
    monkeypatch.setenv("MEDTRACE_AUDIT_KEY", "a-key-outside-the-database-0123456789")
    settings_module.get_settings.cache_clear()
    try:
        with UnitOfWork(Database(engine)) as uow:
            record_checkpoint(uow)
        runner = CliRunner()
        ok = runner.invoke(audit_cli, ["verify"])
        assert ok.exit_code == 0 and "holds the checkpoint" in ok.output, ok.output
        with engine.begin() as conn:  # the administrator rewrites history consistently
            for trigger in ("audit_entry_no_update", "audit_entry_no_delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
            top = conn.exec_driver_sql("SELECT MAX(id) FROM audit_entry").scalar()
            conn.exec_driver_sql("DELETE FROM audit_entry WHERE id >= 2")
        assert verify_chain(engine).ok
        cut = runner.invoke(audit_cli, ["verify"])
        assert cut.exit_code == 1 and "BAD chain: truncated" in cut.output, cut.output
        for name in ("mallory", "trudy", "eve"):
            make_user(Database(engine), name)  # entries 2.. again, another history
        assert verify_chain(engine).ok
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT MAX(id) FROM audit_entry").scalar() >= top
        rewritten = runner.invoke(audit_cli, ["verify"])
        assert rewritten.exit_code == 1 and "BAD chain: rewritten" in rewritten.output
        forged = tmp_path / "anchor" / FILE_NAME  # a line added without the key is not believed
        sealed = latest_checkpoint(tmp_path / "anchor", "a-key-outside-the-database-0123456789")
        forged.write_text(forged.read_text() + '{"at": "x", "entry_id": 1, "head_hash": "0", '
                                               '"seal": "0"}\n')
        reading = latest_checkpoint(tmp_path / "anchor", "a-key-outside-the-database-0123456789")
        assert reading.forged_lines == 1 and reading.checkpoint == sealed.checkpoint
    finally:
        settings_module.get_settings.cache_clear()
        engine.dispose()
