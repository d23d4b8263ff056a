"""The editor's "Skenario" tab: run a draft's scenarios, walk a draft step by step.

Both work on the diagram and forms as the editor holds them (forms it lacks from the
current version, as on deploy); nothing is stored. Process owners only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import NotFound
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.unit_of_work import UnitOfWork
from engine.process import camunda, versions
from engine.process import scenarios as owners_scenarios
from engine.process.definitions import build_definition, content_hash
from engine.process.validation import validate_diagram
from engine.types import Problem, Role, User


@dataclass(frozen=True)
class ScenarioRun:
    """What "Jalankan semua" found: the diagram's own problems (then nothing ran), or the
    scenarios' report (None when there are no scenarios)."""

    problems: tuple[Problem, ...]
    report: owners_scenarios.ScenarioReport | None


def _owner(actor: User) -> None:
    if actor.role is not Role.PROCESS_OWNER:
        raise NotFound(Message("page_not_found"))


def _encoded(forms: Mapping[str, str]) -> dict[str, bytes]:
    return {name: text.encode() for name, text in forms.items()}


def run_draft_scenarios(uow: UnitOfWork, actor: User, bpmn: str, forms: Mapping[str, str],
                        scenarios: str | None) -> ScenarioRun:
    """Run the scenarios (those given, else the current version's) on the editor's diagram."""
    _owner(actor)
    problems, report = versions.test_scenarios(uow, bpmn.encode(), _encoded(forms), scenarios,
                                               versions.SCENARIO_FILE)
    return ScenarioRun(tuple(problems), report)


def walk_draft(uow: UnitOfWork, actor: User, bpmn: str, forms: Mapping[str, str],
               steps: Sequence[Mapping[str, Any]]
               ) -> tuple[tuple[Problem, ...], owners_scenarios.Walk | None]:
    """The steps ready after `steps` on the editor's diagram (the recorder's next question);
    the diagram's problems instead when it does not validate."""
    _owner(actor)
    data = camunda.convert(bpmn.encode()).bpmn
    with uow:
        current = repository.current_version(uow.session)
        fallback: Mapping[str, Any] = current.forms if current else {}
    problems, resolved = validate_diagram(data, _encoded(forms), fallback)
    if problems:
        return tuple(problems), None
    definition = build_definition(content_hash(data, resolved), data, resolved)
    return (), owners_scenarios.walk(definition, data, steps, versions.SCENARIO_FILE)
