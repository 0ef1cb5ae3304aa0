"""The workflow engine on a real database: guards, parallel approval, separation of duties,
delegation, escalation, version pinning, all-or-nothing completion, diagrams drawn elsewhere,
and diagrams that try to run code."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from medtrace.platform import workflows as wf
from medtrace.platform.audit import AuditEntry
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.auth.models import User
from medtrace.platform.auth.permissions import declare
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.esign import SignaturePasswordWrong
from medtrace.platform.events.models import OutboxMessage
from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask
from medtrace.platform.workflows.schemas import DelegationIn, ReassignIn
from tests.factories.auth import PASSWORD, make_role, make_user

HERE = Path(__file__).parent / "bpmn"
declare("wf.po.approve", "测试订单审批")  # test data: no English on Chinese pages
declare("wf.po.finance", "测试订单财务审批")
RECORDS: dict[str, dict] = {}


def _load(_uow: UnitOfWork, record_id: str) -> wf.RecordFacts | None:
    record = RECORDS.get(record_id)
    if record is None:
        return None
    return wf.RecordFacts(ref=f"PO-{record_id}", fields=record["fields"],
                          author_id=record.get("author"))


FINISHED: list[tuple[str, str | None]] = []
wf.register_record_type(wf.RecordType("test.order", "Test order", _load,
                                      lambda _uow, rid, outcome: FINISHED.append((rid, outcome))))


def actor(db, username):
    with UnitOfWork(db, write=False) as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        return auth_service.actor_for_user(user)


@pytest.fixture
def people(db):
    for code, perms in (("wf_buyer", ["wf.po.approve", "platform.workflows.delegate"]),
                        ("wf_finance", ["wf.po.finance"]),
                        ("wf_manager", ["wf.po.approve", "platform.workflows.reassign"]),
                        ("wf_qa", []), ("wf_prod", []),
                        ("wf_eng", []), ("wf_admin", ["platform.admin.workflows"]),
                        ("wf_publisher", ["platform.workflows.publish"])):
        make_role(db, code, perms)
    ids = {}
    for name, roles in (("author", ["wf_admin", "wf_publisher"]), ("buyer", ["wf_buyer"]),
                        ("buyer2", ["wf_buyer"]),
                        ("finance", ["wf_finance"]), ("manager", ["wf_manager"]),
                        ("qa", ["wf_qa"]), ("prod", ["wf_prod", "wf_qa"]), ("eng", ["wf_eng"]),
                        ("publisher", ["wf_publisher"]), ("stranger", [])):
        ids[name] = make_user(db, name, roles=roles)
    return ids


def publish(db, file: str, *, record_type: str = "test.order", xml: str | None = None):
    text = xml if xml is not None else (HERE / file).read_text()
    with UnitOfWork(db) as uow:
        version = wf.import_version(uow, xml=text, record_type=record_type,
                                    actor=actor(db, "author"))
        wf.submit_version(uow, version_id=version.id, actor=actor(db, "author"))
        version_id = version.id
    with UnitOfWork(db) as uow:
        wf.publish_version(uow, version_id=version_id, password=PASSWORD,
                           actor=actor(db, "publisher"))
    return version_id


def start(db, key: str, record_id: str, amount: int, author: int | None = None) -> int:
    RECORDS[record_id] = {"fields": {"amount": Decimal(amount)}, "author": author}
    with UnitOfWork(db) as uow:
        return wf.start_instance(uow, key=key, record_id=record_id,
                                 actor=actor(db, "author")).id


def open_tasks(db, instance_id: int) -> dict[str, int]:
    with UnitOfWork(db, write=False) as uow:
        return {t.element_id: t.id for t in uow.session.scalars(select(WorkflowTask).where(
            WorkflowTask.instance_id == instance_id, WorkflowTask.status == "open"))}


def complete(db, task_id: int, who: str, decision: str = "approve", **kw):
    with UnitOfWork(db) as uow:
        return wf.complete_task(uow, task_id=task_id, decision=decision,
                                actor=actor(db, who), password=PASSWORD, **kw).id


def instance(db, instance_id: int) -> WorkflowInstance:
    with UnitOfWork(db, write=False) as uow:
        row = uow.session.get(WorkflowInstance, instance_id)
        uow.session.expunge(row)
        return row


def test_an_order_above_50000_needs_the_finance_approver(db, people):
    publish(db, "po_approval.bpmn")
    small = start(db, "po_approval", "1", 12_000, author=people["author"])
    big = start(db, "po_approval", "2", 60_000, author=people["author"])
    complete(db, open_tasks(db, small)["buyer_ok"], "buyer")
    assert instance(db, small).status == "completed" and open_tasks(db, small) == {}
    complete(db, open_tasks(db, big)["buyer_ok"], "buyer")
    assert list(open_tasks(db, big)) == ["finance_ok"]
    with pytest.raises(wf.NotYourTask):
        complete(db, open_tasks(db, big)["finance_ok"], "buyer2")
    complete(db, open_tasks(db, big)["finance_ok"], "finance")
    done = instance(db, big)
    assert (done.status, done.outcome) == ("completed", "approve")
    assert ("2", "approve") in FINISHED


def test_parallel_approval_waits_for_both_signatures(db, people):
    publish(db, "parallel.bpmn")
    run = start(db, "batch_release", "10", 1)
    tasks = open_tasks(db, run)
    assert set(tasks) == {"qa", "production"}
    complete(db, tasks["production"], "prod")
    assert instance(db, run).status == "running" and set(open_tasks(db, run)) == {"qa"}
    complete(db, tasks["qa"], "qa")
    assert instance(db, run).status == "completed"
    with UnitOfWork(db, write=False) as uow:
        from medtrace.platform.esign import signatures_for

        signed = {v.signature.meaning for t in (tasks["qa"], tasks["production"])
                  for v in signatures_for(uow, uow.session.get(WorkflowTask, t))}
    assert signed == {"approved", "reviewed"}


def test_separation_of_duties_is_enforced_by_the_engine(db, people):
    publish(db, "po_approval.bpmn")
    make_user(db, "buying.author", roles=["wf_buyer"])
    author_id = actor(db, "buying.author").id
    run = start(db, "po_approval", "20", 70_000, author=author_id)
    with pytest.raises(wf.WorkflowSamePerson):
        complete(db, open_tasks(db, run)["buyer_ok"], "buying.author")
    complete(db, open_tasks(db, run)["buyer_ok"], "buyer")
    assert "finance_ok" in open_tasks(db, run)


def test_not_the_same_person_as_the_previous_step(db, people):
    publish(db, "sequential.bpmn")
    run = start(db, "batch_release", "30", 1)
    complete(db, open_tasks(db, run)["qa"], "prod")  # prod also holds the QA role
    with pytest.raises(wf.WorkflowSamePerson):
        complete(db, open_tasks(db, run)["production"], "prod")


def _delegation(to_user, starts_at, ends_at, reason, **more):
    return DelegationIn(to_user=to_user, starts_at=starts_at, ends_at=ends_at,
                                   reason=reason, **more)


def test_delegation_counts_only_inside_its_time_box(db, people):
    publish(db, "po_approval.bpmn")
    run = start(db, "po_approval", "40", 100, author=people["author"])
    task = open_tasks(db, run)["buyer_ok"]
    now = dt.datetime.now(dt.UTC)
    with UnitOfWork(db) as uow:  # a delegation that starts tomorrow
        wf.delegate(uow, data=_delegation("stranger", now + dt.timedelta(days=1),
                                          now + dt.timedelta(days=3), "holiday"),
                    actor=actor(db, "buyer"))
    with pytest.raises(wf.NotYourTask):
        complete(db, task, "stranger")
    for starts, ends in ((now, now + dt.timedelta(days=91)),  # too long
                         (now - dt.timedelta(days=3), now - dt.timedelta(days=1)),  # ended
                         (now, now - dt.timedelta(hours=1))):  # ends before it starts
        with UnitOfWork(db) as uow, pytest.raises(wf.DelegationInvalid):
            wf.delegate(uow, data=_delegation("stranger", starts, ends, "bad box"),
                        actor=actor(db, "buyer"))
    with UnitOfWork(db) as uow, pytest.raises(wf.DelegationInvalid):  # to oneself
        wf.delegate(uow, data=_delegation("buyer", now, now + dt.timedelta(days=1), "me"),
                    actor=actor(db, "buyer"))
    with UnitOfWork(db) as uow, pytest.raises(Forbidden):  # for someone else: admins only
        wf.delegate(uow, data=_delegation("stranger", now, now + dt.timedelta(days=1), "x",
                                          from_user="buyer2"), actor=actor(db, "buyer"))
    with UnitOfWork(db) as uow, pytest.raises(Forbidden):  # no delegate permission
        wf.delegate(uow, data=_delegation("buyer", now, now + dt.timedelta(days=1), "x"),
                    actor=actor(db, "stranger"))
    with UnitOfWork(db) as uow:  # a naive time is the plant's local time
        row = wf.delegate(uow, data=_delegation(
            "stranger", (now - dt.timedelta(hours=1)).astimezone(uow.timezone).replace(
                tzinfo=None), now + dt.timedelta(days=2), "trade fair"),
            actor=actor(db, "buyer"))
        assert abs(row.starts_at.replace(tzinfo=dt.UTC) - (now - dt.timedelta(hours=1))) \
            < dt.timedelta(seconds=1)
        delegation_id = row.id
    with UnitOfWork(db) as uow:
        entry = uow.session.scalar(select(AuditEntry).where(
            AuditEntry.entity_type.like("%delegation%"),
            AuditEntry.entity_id == str(delegation_id)))
        assert entry is not None and entry.reason == "trade fair"
    complete(db, task, "stranger")
    assert instance(db, run).status == "completed"


def test_an_ended_delegation_no_longer_counts(db, people):
    publish(db, "po_approval.bpmn")
    run = start(db, "po_approval", "41", 100, author=people["author"])
    task = open_tasks(db, run)["buyer_ok"]
    now = dt.datetime.now(dt.UTC)
    with UnitOfWork(db) as uow:
        delegation_id = wf.delegate(uow, data=_delegation(
            "stranger", now - dt.timedelta(minutes=5), now + dt.timedelta(days=1), "fair"),
            actor=actor(db, "buyer")).id
    with UnitOfWork(db) as uow, pytest.raises(Forbidden):  # not theirs to end
        wf.end_delegation(uow, delegation_id=delegation_id, actor=actor(db, "stranger"))
    with UnitOfWork(db) as uow:
        wf.end_delegation(uow, delegation_id=delegation_id, actor=actor(db, "buyer"))
    with pytest.raises(wf.NotYourTask):
        complete(db, task, "stranger")


def test_reassigning_needs_the_permission_and_an_active_user(db, people):
    publish(db, "po_approval.bpmn")
    run = start(db, "po_approval", "42", 100, author=people["author"])
    task = open_tasks(db, run)["buyer_ok"]
    reassign = ReassignIn(username="buyer2", reason="buyer is ill")
    with UnitOfWork(db) as uow, pytest.raises(Forbidden):
        wf.reassign_task(uow, task_id=task, data=reassign, actor=actor(db, "buyer"))
    with UnitOfWork(db) as uow, pytest.raises(wf.NotYourTask):
        wf.reassign_task(uow, task_id=task, data=ReassignIn(
            username="nobody", reason="x"), actor=actor(db, "manager"))
    with UnitOfWork(db) as uow:
        wf.reassign_task(uow, task_id=task, data=reassign, actor=actor(db, "manager"))
    with pytest.raises(wf.NotYourTask):  # the task is now buyer2's alone
        complete(db, task, "buyer")
    complete(db, task, "buyer2")


def test_an_overdue_task_escalates_to_the_role_the_timer_names(db, people):
    publish(db, "po_approval.bpmn")  # its timer: PT1S, escalate to wf_manager
    run = start(db, "po_approval", "50", 80_000, author=people["author"])
    task = open_tasks(db, run)["buyer_ok"]
    with pytest.raises(wf.NotYourTask):
        complete(db, task, "manager")
    time.sleep(1.2)
    with UnitOfWork(db) as uow:
        assert wf.run_timers(uow) >= 1
    with UnitOfWork(db, write=False) as uow:
        row = uow.session.get(WorkflowTask, task)
        assert row.escalated_to == "wf_manager" and row.status == "open"
        types = set(uow.session.scalars(select(OutboxMessage.type)))
    assert {"workflow.task.escalated", "workflow.instance.notified"} <= types
    complete(db, task, "manager")  # the escalation role may now decide it
    assert "finance_ok" in open_tasks(db, run)


def test_a_running_record_stays_on_the_version_it_started_under(db, people):
    first = publish(db, "po_approval.bpmn")
    old = start(db, "po_approval", "60", 90_000, author=people["author"])
    lower = (HERE / "po_approval.bpmn").read_text().replace("record.amount &gt; 50000",
                                                             "record.amount &gt; 100000")
    second = publish(db, "", xml=lower)
    assert second != first
    new = start(db, "po_approval", "61", 90_000, author=people["author"])
    assert (instance(db, old).version_id, instance(db, new).version_id) == (first, second)
    complete(db, open_tasks(db, old)["buyer_ok"], "buyer")
    complete(db, open_tasks(db, new)["buyer_ok"], "buyer")
    assert "finance_ok" in open_tasks(db, old)  # v1: above 50,000
    assert instance(db, new).status == "completed"  # v2: only above 100,000


def test_a_failed_completion_leaves_nothing_behind(db, people):
    publish(db, "parallel.bpmn")
    run = start(db, "batch_release", "70", 1)
    task = open_tasks(db, run)["qa"]
    before = instance(db, run).state

    def counts():
        with UnitOfWork(db, write=False) as uow:
            return (uow.session.scalar(select(func.count()).select_from(AuditEntry)),
                    uow.session.scalar(select(func.count()).select_from(OutboxMessage)))

    counted = counts()
    with pytest.raises(SignaturePasswordWrong), UnitOfWork(db) as uow:
        wf.complete_task(uow, task_id=task, decision="approve", actor=actor(db, "qa"),
                         password="wrong")
    assert open_tasks(db, run)["qa"] == task and instance(db, run).state == before
    assert counts()[1] == counted[1]

    def broken(_uow, _instance, _params, _context):
        raise RuntimeError("the notification service is down")

    wf.register_action("notify", broken)
    try:
        xml = (HERE / "parallel.bpmn").read_text().replace(
            'sourceRef="join" targetRef="end"', 'sourceRef="join" targetRef="tell"').replace(
            '<bpmn:endEvent id="end"/>', '<bpmn:serviceTask id="tell" mt:action="notify"/>'
            '<bpmn:sequenceFlow id="f7" sourceRef="tell" targetRef="end"/>'
            '<bpmn:endEvent id="end"/>')
        publish(db, "", xml=xml)
        run2 = start(db, "batch_release", "71", 1)
        tasks = open_tasks(db, run2)
        complete(db, tasks["production"], "prod")
        state = instance(db, run2).state
        with pytest.raises(RuntimeError):
            complete(db, tasks["qa"], "qa")
        assert open_tasks(db, run2) == {"qa": tasks["qa"]}
        assert instance(db, run2).state == state and instance(db, run2).status == "running"
    finally:
        from medtrace.platform.workflows.service import _notify

        wf.register_action("notify", _notify)


def test_a_diagram_drawn_in_camunda_modeler_imports_and_runs(db, people):
    publish(db, "camunda_modeler.bpmn")
    run = start(db, "change_control", "80", 1)
    impact = open_tasks(db, run)["Activity_impact"]
    with UnitOfWork(db, write=False) as uow:
        row = uow.session.get(WorkflowTask, impact)
        assert row.roles == ["wf_eng"] and row.due_at is not None
    with pytest.raises(wf.NotYourTask):
        complete(db, impact, "qa")
    complete(db, impact, "eng")
    complete(db, open_tasks(db, run)["Activity_review"], "qa", decision="reject")
    assert (instance(db, run).status, instance(db, run).outcome) == ("completed", "reject")


EVIL = [
    ("""<bpmn:sequenceFlow id="f_big" sourceRef="gw" targetRef="finance_ok"><bpmn:conditionExpression>__import__('os').system('touch /tmp/pwned')</bpmn:conditionExpression></bpmn:sequenceFlow>""",  # noqa: E501
     "f_big"),
    ("""<bpmn:sequenceFlow id="f_big" sourceRef="gw" targetRef="finance_ok"><bpmn:conditionExpression language="python">record.amount &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>""",  # noqa: E501
     "f_big"),
]


@pytest.mark.parametrize(("flow", "element"), EVIL)
def test_a_condition_that_would_run_code_is_refused(db, people, flow, element):
    original = (HERE / "po_approval.bpmn").read_text()
    start_at = original.index('<bpmn:sequenceFlow id="f_big"')
    end_at = original.index("</bpmn:sequenceFlow>", start_at) + len("</bpmn:sequenceFlow>")
    xml = original[:start_at] + flow + original[end_at:]
    with pytest.raises(wf.WorkflowInvalid) as refused, UnitOfWork(db) as uow:
        wf.import_version(uow, xml=xml, record_type="test.order", actor=actor(db, "author"))
    assert any(e["field"] == element for e in refused.value.errors)
    assert not Path("/tmp/pwned").exists()


def test_an_embedded_script_and_an_entity_are_refused(db, people):
    original = (HERE / "po_approval.bpmn").read_text()
    scripted = original.replace(
        '<bpmn:endEvent id="end"/>',
        '<bpmn:scriptTask id="evil" scriptFormat="python"><bpmn:script>import os; '
        'os.system("id")</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="end"/>')
    with pytest.raises(wf.WorkflowInvalid) as refused, UnitOfWork(db) as uow:
        wf.import_version(uow, xml=scripted, record_type="test.order",
                          actor=actor(db, "author"))
    assert any(e["field"] == "evil" and "script" in e["message"]
               for e in refused.value.errors)
    xxe = original.replace('<?xml version="1.0" encoding="UTF-8"?>',
                           '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM '
                           '"file:///etc/passwd">]>').replace('name="PO approval"',
                                                               'name="&x;"')
    with pytest.raises(wf.WorkflowInvalid), UnitOfWork(db) as uow:
        wf.import_version(uow, xml=xxe, record_type="test.order", actor=actor(db, "author"))


def test_validation_names_unreachable_elements_dead_ends_and_uncovered_gateways(db, people):
    original = (HERE / "po_approval.bpmn").read_text()
    broken = original.replace(' default="f_small"', "").replace(
        '<bpmn:endEvent id="end"/>', '<bpmn:endEvent id="end"/><bpmn:userTask id="orphan" '
        'mt:roles="wf_qa"/><bpmn:userTask id="nobody"/>'
        '<bpmn:sequenceFlow id="fx" sourceRef="orphan" targetRef="nobody"/>')
    broken = broken.replace('<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="end"/>',
                            '<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="end">'
                            '<bpmn:conditionExpression>record.amount &lt; 50000'
                            '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    with pytest.raises(wf.WorkflowInvalid) as refused, UnitOfWork(db) as uow:
        wf.import_version(uow, xml=broken, record_type="test.order", actor=actor(db, "author"))
    messages = " | ".join(e["message"] for e in refused.value.errors)
    assert "orphan: cannot be reached" in messages
    assert "nobody: leads nowhere" in messages
    assert "nobody: a user task needs a permission" in messages
    assert "gw: the conditions may not cover every case" in messages  # 50000 itself


def test_publishing_needs_another_persons_signature(db, people):
    with UnitOfWork(db) as uow:
        version = wf.import_version(uow, xml=(HERE / "parallel.bpmn").read_text(),
                                    record_type="test.order", actor=actor(db, "author"))
        wf.submit_version(uow, version_id=version.id, actor=actor(db, "author"))
        version_id = version.id
    from medtrace.platform.esign import SeparationOfDuties

    with pytest.raises(SeparationOfDuties), UnitOfWork(db) as uow:
        wf.publish_version(uow, version_id=version_id, password=PASSWORD,
                           actor=actor(db, "author"))
    with pytest.raises(wf.WorkflowStateConflict), UnitOfWork(db) as uow:
        wf.start_instance(uow, key="batch_release", record_id="90", actor=actor(db, "author"))
    with UnitOfWork(db) as uow:
        wf.publish_version(uow, version_id=version_id, password=PASSWORD,
                           actor=actor(db, "publisher"))
    RECORDS["90"] = {"fields": {"amount": Decimal(1)}}
    with UnitOfWork(db) as uow:
        assert wf.start_instance(uow, key="batch_release", record_id="90",
                                 actor=actor(db, "author")).status == "running"
