"""Electronic signatures on a real database: binding, invalidation, duties, lockout."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, Text, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.models import SecurityEvent, User
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, make_user


class _TestBase(DeclarativeBase):
    pass


class Document(_TestBase):
    """A signable record that exists only inside these tests (a temporary table)."""

    __tablename__ = "test_signed_document"
    __table_args__ = {"prefixes": ["TEMPORARY"]}  # noqa: RUF012
    __signatures__ = esign.SignaturePolicy(
        required={"reviewed": 1, "approved": 1},
        must_differ=(("approved", esign.AUTHOR), ("approved", "reviewed")),
        author_attr="author_id",
    )
    __esign_exclude__ = ("status",)
    __audit_ref__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    author_id: Mapped[int] = mapped_column(Integer)


@pytest.fixture
def people(db):
    with db.bind.begin_nested():
        _TestBase.metadata.create_all(db.bind)
    ids = {name: make_user(db, name) for name in ("author", "reviewer", "approver")}
    with UnitOfWork(db) as uow:
        doc = Document(number="SOP-001", body="Clean the line.", author_id=ids["author"])
        uow.session.add(doc)
        uow.flush()
        ids["doc"] = doc.id
    return ids


def _actor(db, user_id: int) -> Actor:
    with UnitOfWork(db, write=False) as uow:
        return auth_service.actor_for_user(uow.session.get(User, user_id))


def _sign(db, people, who: str, meaning: str, password: str = PASSWORD):
    with UnitOfWork(db) as uow:
        doc = uow.session.get(Document, people["doc"])
        return esign.sign(uow, record=doc, meaning=meaning, password=password,
                          actor=_actor(db, people[who]), comment="ok").id


def test_a_signature_is_bound_to_the_content_and_invalidated_by_an_edit(db, people):
    _sign(db, people, "reviewer", "reviewed")
    with UnitOfWork(db) as uow:
        doc = uow.session.get(Document, people["doc"])
        views = esign.signatures_for(uow, doc)
        assert [(v.signature.meaning, v.valid) for v in views] == [("reviewed", True)]
        line = esign.manifestation(views[0].signature, "审核", "Asia/Shanghai")
        assert line.startswith("Reviewer — 审核 — ") and line.endswith("(Asia/Shanghai)")
        doc.status = "in_review"  # excluded from the signed content
    with UnitOfWork(db) as uow:
        doc = uow.session.get(Document, people["doc"])
        assert esign.signatures_for(uow, doc)[0].valid
        doc.body = "Clean the line twice."
    with UnitOfWork(db, write=False) as uow:
        doc = uow.session.get(Document, people["doc"])
        views = esign.signatures_for(uow, doc)
        assert [(v.signature.meaning, v.valid) for v in views] == [("reviewed", False)]


def test_the_author_may_not_approve(db, people):
    with pytest.raises(esign.SeparationOfDuties) as refused:
        _sign(db, people, "author", "approved")
    assert refused.value.code == "MT-ESIGN-SAME-PERSON"


def test_the_reviewer_may_not_also_approve(db, people):
    _sign(db, people, "reviewer", "reviewed")
    with pytest.raises(esign.SeparationOfDuties):
        _sign(db, people, "reviewer", "approved")


def test_a_state_change_requires_the_signatures(db, people):
    with UnitOfWork(db) as uow, pytest.raises(esign.SignaturesMissing) as missing:
        esign.require_signatures(uow, uow.session.get(Document, people["doc"]))
    assert missing.value.code == "MT-ESIGN-REQUIRED"
    _sign(db, people, "reviewer", "reviewed")
    _sign(db, people, "approver", "approved")
    with UnitOfWork(db) as uow:
        esign.require_signatures(uow, uow.session.get(Document, people["doc"]))


def test_three_wrong_passwords_lock_signing_and_are_recorded(db, people):
    for _ in range(3):
        with pytest.raises(esign.SignaturePasswordWrong):
            _sign(db, people, "reviewer", "reviewed", password="Wrong-Passw0rd")
    with pytest.raises(esign.SigningLocked):
        _sign(db, people, "reviewer", "reviewed")
    with UnitOfWork(db, write=False) as uow:
        user = uow.session.get(User, people["reviewer"])
        assert user.signing_locked and user.failed_signings == 3
        kinds = list(uow.session.scalars(select(SecurityEvent.kind)))
        assert kinds.count("esign.signing.locked") == 1
    with UnitOfWork(db) as uow:
        auth_service.unlock_signing(uow, uow.session.get(User, people["reviewer"]))
    assert _sign(db, people, "reviewer", "reviewed")


def test_machines_cannot_sign_and_meanings_are_checked(db, people):
    client = Actor(kind="client", id=1, name="mes")
    with UnitOfWork(db) as uow, pytest.raises(esign.SignerNotAUser):
        esign.sign(uow, record=uow.session.get(Document, people["doc"]), meaning="reviewed",
                   password=PASSWORD, actor=client)
    with pytest.raises(esign.UnknownMeaning):
        _sign(db, people, "reviewer", "blessed")


def test_signatures_cannot_be_changed_or_removed(db, people):
    signature_id = _sign(db, people, "reviewer", "reviewed")
    for statement in (
        "UPDATE esign_signature SET printed_name = 'Someone else' WHERE id = :id",
        "DELETE FROM esign_signature WHERE id = :id",
    ):
        with pytest.raises(Exception, match="append-only"), db.bind.begin_nested():
            db.bind.execute(text(statement), {"id": signature_id})
