"""Values people read (issue 13): date-times as people write them in the LPSE's zone (never
`2026-12-03T23:30:00+07:00`), limits in working hours and days (never `Batas waktu 4h`)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.desk import Desk
from tests.pages import visitor
from web.pages import formatting

DIAGRAM = Path(__file__).resolve().parents[2] / "processes" / "escalation.bpmn"


def test_a_date_time_answer_reads_as_people_write_it_even_without_a_zone(app: Flask) -> None:
    with app.test_request_context():
        assert formatting.field_value("2026-12-03T23:30:00+07:00") == "3 Des 2026 23.30 WIB"
        assert formatting.field_value("2026-12-03T16:30:00Z", "Asia/Jayapura") == \
            "4 Des 2026 01.30 WIT"
        assert formatting.field_value("2026-13-45T99:99:00Z") == "2026-13-45T99:99:00Z"
        assert formatting.field_value("bukan tanggal") == "bukan tanggal"


def test_timer_labels_say_their_limit_in_working_hours_and_days(app: Flask) -> None:
    xml = DIAGRAM.read_text(encoding="utf-8")
    assert 'name="Batas waktu 4h"' in xml
    with app.test_request_context():
        shown = formatting.readable_limits(xml)
    assert 'name="Batas waktu 4h"' not in shown and 'name="Batas waktu 1d"' not in shown
    assert 'name="Batas waktu 4 jam kerja"' in shown
    assert 'name="Batas waktu 2 hari kerja"' in shown
    assert shown.count("<bpmn:boundaryEvent") == xml.count("<bpmn:boundaryEvent")
    odd = '<bpmn:boundaryEvent id="T" name="Batas waktu besok"/>'
    with app.test_request_context():
        assert formatting.readable_limits(odd) == odd


def test_the_ticket_diagram_people_get_has_no_raw_limit(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    answer = visitor(app, "admin.bandung").get(f"/tiket/{ticket.id}/diagram.json")
    assert answer.status_code == 200
    xml = answer.get_json()["xml"]
    assert "Batas waktu 4h" not in xml and "Batas waktu 4 jam kerja" in xml
