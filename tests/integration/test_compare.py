"""Comparing two versions of the diagram and forms: every kind of change, in data."""

from __future__ import annotations

import pytest

import engine
from engine.process.compare import compare_parts
from tests.desk import Desk
from tests.diagram_edits import (
    FORMS,
    SOURCE,
    condition,
    form_with_field,
    moved_to_lane,
    renamed,
    replaced_id,
    with_property,
)


def kinds(changes: list[engine.Change]) -> set[tuple[str, str, str]]:
    return {(c.kind, c.element, c.aspect) for c in changes}


def test_the_same_diagram_has_no_changes() -> None:
    assert compare_parts(SOURCE, FORMS, SOURCE, FORMS) == []


def test_a_rename_is_named_with_both_names() -> None:
    [change] = compare_parts(SOURCE, FORMS, renamed("step02_terima", "Telaah"), FORMS)
    assert (change.kind, change.element, change.after) == ("renamed", "step02_terima", "Telaah")
    assert change.before == "Menerima dan mempelajari permasalahan"


def test_a_move_to_another_lane_names_both_lanes() -> None:
    [change] = compare_parts(SOURCE, FORMS, moved_to_lane("step14_balas_selesai", "Lane_Admin"),
                             FORMS)
    assert (change.kind, change.before, change.after) == ("lane_moved", "Helpdesk LKPP",
                                                          "Admin LPSE")


def test_a_changed_condition_shows_before_and_after() -> None:
    [change] = compare_parts(SOURCE, FORMS, condition("Flow_03_ya", 'kewenangan != "LPSE"'),
                             FORMS)
    assert change.kind == "condition_changed" and change.element == "Flow_03_ya"
    assert change.before == 'kewenangan == "LKPP"' and change.after == 'kewenangan != "LPSE"'


def test_a_form_change_names_the_field_and_the_step() -> None:
    changes = compare_parts(SOURCE, FORMS, SOURCE,
                            form_with_field("step12_penanganan.json", "nomor_tiket_vendor",
                                            "Nomor Tiket Vendor"))
    assert kinds(changes) == {("form_changed", "step12_penanganan", "nomor_tiket_vendor")}
    assert changes[0].after == "Nomor Tiket Vendor" and changes[0].before == ""


def test_a_changed_time_limit_is_a_property_change() -> None:
    changes = compare_parts(SOURCE, FORMS, with_property("step02_terima", "sopStep", "3"), FORMS)
    assert kinds(changes) == {("property_changed", "step02_terima", "sopStep")}


def test_an_element_with_a_new_id_is_removed_and_added_and_its_flows_reconnected() -> None:
    changes = compare_parts(SOURCE, FORMS, replaced_id("step04_panduan", "step04_arahan"),
                            FORMS)
    assert kinds(changes) >= {("added", "step04_arahan", ""), ("removed", "step04_panduan", ""),
                              ("reconnected", "Flow_03_tidak", ""),
                              ("reconnected", "Flow_04_selesai", "")}
    # and a time-limit timer on the step, if the diagram has one, is now attached elsewhere
    assert {c.kind for c in changes} <= {"added", "removed", "reconnected", "property_changed"}
    assert all(c.after == "step04_arahan" for c in changes if c.kind == "property_changed")


def test_comparing_a_version_marks_both_diagrams(desk: Desk) -> None:
    owner = desk.user("pemilik.proses")
    version, _ = engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik"),
                               replaced_id("step04_panduan", "step04_arahan"), FORMS)
    result = engine.compare_version(desk.database.uow(), owner, version.id)
    assert result.before.number == 1 and result.after.number == 2
    assert ("step04_panduan", "removed") in result.before.marks
    assert ("step04_arahan", "added") in result.after.marks
    assert ("Flow_03_tidak", "changed") in result.after.marks
    assert "step04_arahan" in result.after.bpmn_xml


def test_only_process_owners_compare_versions(desk: Desk) -> None:
    [version] = engine.list_versions(desk.database.uow(), engine.command_line_operator("tests"))
    for username in ("admin.bandung", "helpdesk.lkpp", "auditor", "pengguna.bandung"):
        with pytest.raises(engine.Forbidden):
            engine.compare_version(desk.database.uow(), desk.user(username), version.id)


def test_an_unknown_version_is_not_found(desk: Desk) -> None:
    with pytest.raises(engine.NotFound):
        engine.compare_version(desk.database.uow(), desk.user("pemilik.proses"), "nope")
