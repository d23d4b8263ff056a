"""The diagram and forms shipped with the application, in `processes/`."""

from __future__ import annotations

from pathlib import Path

PROCESSES = Path(__file__).resolve().parent.parent.parent / "processes"
DEFAULT_DIAGRAM = PROCESSES / "escalation.bpmn"
MAX_FORMS = 200


def read_forms(diagram: Path) -> dict[str, bytes]:
    """The form files beside a diagram (`forms/*.json`), by file name."""
    folder = diagram.parent / "forms"
    if not folder.is_dir():
        return {}
    files = sorted(folder.glob("*.json"))[:MAX_FORMS]
    return {path.name: path.read_bytes() for path in files}
