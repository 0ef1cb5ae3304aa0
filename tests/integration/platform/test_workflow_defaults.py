"""The shipped definitions: each is valid, drawn, runs, and installs as a draft once its kind
of record is registered; a drawing is added to a file that has none."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from medtrace.platform import workflows as wf
from medtrace.platform.actor import SYSTEM
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.bpmn import parse_xml
from medtrace.platform.workflows.defaults import DEFAULTS, install_defaults
from medtrace.platform.workflows.layout import BPMNDI, with_diagram
from medtrace.platform.workflows.models import WorkflowVersion


@pytest.mark.parametrize("default", DEFAULTS, ids=lambda d: d.key)
def test_each_shipped_definition_is_valid_and_drawn(default):
    xml = default.xml()
    process = wf.read_diagram(xml)
    assert process.key == default.key and process.user_tasks
    root = parse_xml(xml)
    shapes = {s.get("bpmnElement") for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    assert set(process.nodes) <= shapes  # every element drawn (boundary events included)
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    assert {f.id for f in process.flows} <= edges
    assert with_diagram(xml) == xml  # a drawn file is left as it is
    assert default.name_zh and default.name_en


def test_the_defaults_install_as_drafts_for_registered_record_types(db, monkeypatch):
    from medtrace.platform.workflows import service as wf_service

    for default in DEFAULTS:  # restored after the test: the modules' own types stay intact
        monkeypatch.setitem(wf_service._record_types, default.record_type, wf.RecordType(
            default.record_type, default.name_en,
            lambda _uow, rid: wf.RecordFacts(f"R-{rid}", {"amount": Decimal(80_000),
                                                          "affects_registration": True})))
    with UnitOfWork(db) as uow:
        installed = install_defaults(uow, actor=SYSTEM)
        again = install_defaults(uow, actor=SYSTEM)
        versions = list(uow.session.query(WorkflowVersion))
    assert installed == [d.key for d in DEFAULTS] and again == []
    assert {v.status for v in versions} == {"draft"} and len(versions) == len(DEFAULTS)
    tree = etree.fromstring(versions[0].xml.encode())
    assert tree.find(f"{{{BPMNDI}}}BPMNDiagram") is not None
