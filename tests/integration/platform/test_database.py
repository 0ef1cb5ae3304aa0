from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, select, text

from medtrace.platform.db.base import Quantity, UTCDateTime
from medtrace.platform.db.session import make_engine
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.policy import (
    COMPANY_NAME_ZH,
    DEMO_LOADED_AT,
    InvalidSetting,
    get_setting,
    list_settings,
    set_setting,
)

scratch_meta = MetaData()
probe = Table(
    "test_probe",
    scratch_meta,
    Column("id", Integer, primary_key=True),
    Column("qty", Quantity()),
    Column("at", UTCDateTime()),
    prefixes=["TEMPORARY"],
)


@pytest.fixture
def probe_table(db):
    with db.bind.begin_nested():
        scratch_meta.create_all(db.bind)
    return probe


def test_quantities_are_exact_in_storage_and_in_sql_sums(db, probe_table):
    values = [Decimal("0.1"), Decimal("0.2"), Decimal("123456789.123456"), Decimal("-5")]
    with UnitOfWork(db) as uow:
        for value in values:
            uow.session.execute(probe_table.insert().values(qty=value))
    with UnitOfWork(db, write=False) as uow:
        stored = list(uow.session.scalars(select(probe_table.c.qty).order_by(probe_table.c.id)))
        total = uow.session.scalar(select(func.sum(probe_table.c.qty)))
        biggest = uow.session.scalar(select(func.max(probe_table.c.qty)))
    assert stored == values
    assert all(isinstance(v, Decimal) for v in stored)
    assert total == Decimal("123456784.423456")  # SUM keeps the column's exact type
    assert biggest == Decimal("123456789.123456")


def test_times_come_back_aware_and_in_utc(db, probe_table):
    shanghai = dt.timezone(dt.timedelta(hours=8))
    moment = dt.datetime(2026, 3, 1, 8, 30, 15, 123000, tzinfo=shanghai)
    with UnitOfWork(db) as uow:
        uow.session.execute(probe_table.insert().values(at=moment))
    with UnitOfWork(db, write=False) as uow:
        back = uow.session.scalar(select(probe_table.c.at))
    assert back == moment
    assert back.utcoffset() == dt.timedelta(0)
    assert back.hour == 0


def test_naive_datetimes_are_refused(db, probe_table):
    with pytest.raises(Exception, match="naive datetime"), UnitOfWork(db) as uow:
        uow.session.execute(probe_table.insert().values(at=dt.datetime(2026, 1, 1)))


def test_a_failed_unit_of_work_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError), UnitOfWork(db) as uow:
        set_setting(uow, COMPANY_NAME_ZH, "半写入公司")
        raise RuntimeError("boom after the write")
    with UnitOfWork(db, write=False) as uow:
        assert get_setting(uow, COMPANY_NAME_ZH) == ""


def test_after_commit_callbacks_run_only_on_success(db):
    seen: list[str] = []
    with UnitOfWork(db) as uow:
        uow.after_commit(lambda: seen.append("ok"))
    with pytest.raises(ValueError), UnitOfWork(db) as uow:
        uow.after_commit(lambda: seen.append("never"))
        raise ValueError
    assert seen == ["ok"]


def test_settings_are_typed(db):
    with UnitOfWork(db) as uow:
        set_setting(uow, COMPANY_NAME_ZH, "华康")
        moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        set_setting(uow, DEMO_LOADED_AT, moment)
    with UnitOfWork(db) as uow:
        assert get_setting(uow, COMPANY_NAME_ZH) == "华康"
        assert get_setting(uow, DEMO_LOADED_AT) == moment
        assert list_settings(uow)["company.name_zh"] == "华康"
        with pytest.raises(InvalidSetting) as wrong_type:
            set_setting(uow, COMPANY_NAME_ZH, 42)
        assert wrong_type.value.code == "MT-SETTING-INVALID"
        with pytest.raises(InvalidSetting):
            get_setting(uow, "no.such.setting")


def test_sqlite_is_durable_and_checks_foreign_keys(scratch):
    engine = make_engine(scratch.new_url("sqlite"))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        engine.dispose()


def test_today_is_the_plant_local_date(db):
    uow = UnitOfWork(db, timezone="Asia/Shanghai")
    late_utc = dt.datetime(2026, 5, 31, 17, 0, tzinfo=dt.UTC)  # 01:00 on June 1st in Shanghai
    uow.now = lambda: late_utc  # type: ignore[method-assign]
    assert uow.today() == dt.date(2026, 6, 1)
