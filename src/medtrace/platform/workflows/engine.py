"""The BPMN engine: SpiffWorkflow runs the flow, with every expression evaluated as CEL.

SpiffWorkflow evaluates conditions, timer expressions and scripts through a script engine that
by default is Python's ``eval``/``exec``. ``SafeEngine`` replaces it: conditions are CEL over
``record`` and ``decisions`` (no Python object is reachable), timer values are ISO 8601
literals, scripts are refused, and service tasks call only actions registered in MedTrace.
``bpmn.read_process`` has already refused script tasks and non-CEL conditions at import; this is
the second lock.

A running instance's state is SpiffWorkflow's JSON serialisation, kept in
``workflow_instance.state`` and written in the transaction of the action that changed it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import cel
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, full_tag
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from medtrace.platform.workflows.bpmn import DURATION, check_condition, parse_xml

#: what a service task calls: (action name, its parameters, the task's engine context)
ActionRunner = Callable[[str, dict[str, str], dict[str, Any]], None]


class ScriptRefused(RuntimeError):
    """Something asked the engine to run code."""


class ActionTask(ServiceTask):
    """A service task that calls a registered MedTrace action (never code from the diagram)."""

    def _execute(self, task: Any) -> bool:
        task.workflow.script_engine.call_service(task)
        return True


class _Parser(BpmnParser):
    OVERRIDE_PARSER_CLASSES = {full_tag("serviceTask"): (TaskParser, ActionTask)}  # noqa: RUF012


class SafeEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine with no Python in it."""

    def __init__(self, context: dict[str, Any], services: dict[str, dict[str, str]],
                 run_action: ActionRunner | None = None) -> None:
        super().__init__()
        self.context = context
        self.services = services
        self.run_action = run_action

    def validate(self, expression: str) -> None:
        text = expression.strip().strip("\"'")
        if not DURATION.match(text) and check_condition(expression):
            raise ScriptRefused(check_condition(expression))

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        text = expression.strip()
        literal = text.strip("\"'")
        if DURATION.match(literal):
            return literal  # a timer's ISO 8601 duration
        why = check_condition(text)
        if why:
            raise ScriptRefused(why)
        return cel.evaluate(text, self.context)

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        raise ScriptRefused("scripts are not run")

    def call_service(self, task: Any, **_kwargs: Any) -> None:
        params = dict(self.services.get(task.task_spec.bpmn_id, {}))
        action = params.pop("action", "")
        if self.run_action is None:
            raise ScriptRefused(f"no action runner for {action}")
        self.run_action(action, params, self.context)


@lru_cache(maxsize=64)
def _spec(xml: str, key: str) -> Any:
    """The parsed process of one version (versions never change: cached by their text)."""
    parser = _Parser()
    parser.add_bpmn_xml(parse_xml(xml).getroottree(), filename=f"{key}.bpmn")
    return parser.get_spec(key)


_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(
    {**DEFAULT_CONFIG, ActionTask: BpmnTaskSpecConverter}))


def start(xml: str, key: str, engine: SafeEngine) -> BpmnWorkflow:
    workflow = BpmnWorkflow(_spec(xml, key), script_engine=engine)
    workflow.do_engine_steps()
    return workflow


def load(state: str, engine: SafeEngine) -> BpmnWorkflow:
    workflow = _SERIALIZER.deserialize_json(state)
    workflow.script_engine = engine
    return workflow


def dump(workflow: BpmnWorkflow) -> str:
    return _SERIALIZER.serialize_json(workflow)


def advance(workflow: BpmnWorkflow) -> None:
    """Fire due timers and run every automatic step."""
    workflow.refresh_timers()
    workflow.do_engine_steps()


def ready_user_tasks(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Spiff task id -> task, for the user tasks waiting for a person."""
    return {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def fired_timers(workflow: BpmnWorkflow) -> set[str]:
    """BPMN ids of the boundary events that have fired (a boundary event completes when its
    timer fires)."""
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.bpmn_id and type(t.task_spec).__name__ == "BoundaryEvent"}


def complete(workflow: BpmnWorkflow, spiff_id: str, data: dict[str, Any]) -> None:
    task = ready_user_tasks(workflow).get(spiff_id)
    if task is None:
        raise KeyError(spiff_id)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()
