"""The shipped diagram is drawn so a person can read it."""

from __future__ import annotations

from pathlib import Path

from engine.process.files import DEFAULT_DIAGRAM
from tests.layout_check import check_layout


def test_the_diagram_layout_has_no_overlaps_stray_edges_or_nodes_outside_lanes() -> None:
    errors, _ = check_layout(DEFAULT_DIAGRAM)
    assert errors == []


def test_the_diagram_has_at_most_the_one_forced_crossing() -> None:
    # 5 -> 6 "Ya" must cross the 11 -> 5 loop back: the ring 5..11 has to reach 12 outside it.
    _, crossings = check_layout(DEFAULT_DIAGRAM)
    assert len(crossings) <= 1, crossings


def test_a_shape_moved_out_of_its_lane_is_caught(tmp_path: Path) -> None:
    moved = tmp_path / "moved.bpmn"
    source = DEFAULT_DIAGRAM.read_text()
    shape = source.index('bpmnElement="step09_kirim_data_pengguna"')
    bounds = source.index('y="', shape)
    end = source.index('"', bounds + 3)
    moved.write_text(source[:bounds] + 'y="2000' + source[end:])
    errors, _ = check_layout(moved)
    assert any("step09_kirim_data_pengguna" in error and "outside lane" in error
               for error in errors)
