"""What each SOP step is called now: reports and event logs name a step by its number and
the name it has in the current version, so a step renamed between versions is one step."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.errors import NoProcessDeployed
from engine.process.versions import current_definition

# A step is named after the node a person carries out when there is one.
_PREFERRED_KINDS = ("userTask", "manualTask", "task")


def current_step_names(session: Session) -> dict[int, str]:
    """SOP step number -> its name in the current version (empty when none is deployed)."""
    try:
        definition = current_definition(session)
    except NoProcessDeployed:
        return {}
    names: dict[int, tuple[int, str]] = {}
    for step in definition.steps.values():
        if step.sop_step is None:
            continue
        rank = (_PREFERRED_KINDS.index(step.kind) if step.kind in _PREFERRED_KINDS
                else len(_PREFERRED_KINDS))
        if step.sop_step not in names or rank < names[step.sop_step][0]:
            names[step.sop_step] = (rank, step.name)
    return {number: name for number, (_, name) in names.items()}


def step_label(sop_step: int | None, fallback: str, names: dict[int, str]) -> str:
    """`Langkah 5: <current name>`; a node with no SOP step keeps its own name."""
    if sop_step is None:
        return fallback
    return f"Langkah {sop_step}: {names.get(sop_step, fallback)}"
