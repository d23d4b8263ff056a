"""The page you act on (issue 13): the thing to respond to first, then the form, then the
history folded; forms pre-filled from earlier steps (x-prefill-from); a form with nothing
filled asks before it completes the step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask

from engine.messages import Message
from engine.process.files import read_forms
from engine.process.validation import validate_diagram
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.pages import html, visitor

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
NOTE = "Mohon kirim tangkapan layar galat dan log server tanggal 3 Desember."
USER_DATA = "Kode paket 12345678, galat muncul pukul 09.12 saat unggah 25 MB."
SOLUTION = "Batas unggah dinaikkan menjadi 50 MB; silakan coba unggah kembali."
ASKED = "Mohon kirim tangkapan layar saat unggah gagal."


def order(tree: Any) -> list[str]:
    """The ids of the card, the form and the history, in the order the page has them."""
    marks = tree.xpath('//*[@id="perlu-ditanggapi" or @id="riwayat"] | //form[@class="task-form"]')
    return [mark.get("id") or "form" for mark in marks]


def card_values(tree: Any) -> dict[str, str]:
    return {item.get("data-field"): " ".join(item.xpath("string(.//dd)").split())
            for item in tree.xpath('//*[@id="perlu-ditanggapi"]//*[@data-field]')}


def to_step_6(desk: Desk) -> Any:
    return desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                    ("step05_kelengkapan", {"perlu_data_tambahan": True,
                                           "catatan_kelengkapan": NOTE}))


def to_step_10(desk: Desk) -> Any:
    return desk.run(to_step_6(desk), ("step06_minta_data", {"data_diminta": ASKED}),
                    "step07_terima_permintaan",
                    ("step08_data_pengguna", {"perlu_data_pengguna": True,
                                             "permintaan_ke_pengguna": ASKED}),
                    ("step09_kirim_data_pengguna", {"data_dari_pengguna": USER_DATA}))


def test_step_6_is_prefilled_from_step_5s_note_on_the_page_and_in_the_api(
        app: Flask, desk: Desk, api: Api) -> None:
    task = desk.task(to_step_6(desk), "step06_minta_data")
    page = html(visitor(app, "helpdesk.lkpp").get(f"/tugas/{task.id}"))
    assert page.xpath('//textarea[@id="data_diminta"]/text()') == [NOTE]
    form = api.get(f"/tasks/{task.id}", "helpdesk.lkpp").json["form"]
    assert form["properties"]["data_diminta"]["default"] == NOTE
    assert form["properties"]["data_diminta"]["x-prefill-from"] == "catatan_kelengkapan"


def test_step_10_is_prefilled_from_the_reporters_data_of_step_9(
        app: Flask, desk: Desk, api: Api) -> None:
    task = desk.task(to_step_10(desk), "step10_kirim_data")
    page = html(visitor(app, "admin.bandung").get(f"/tugas/{task.id}"))
    assert page.xpath('//textarea[@id="data_tambahan"]/text()') == [USER_DATA]
    [listed] = [t for t in api.get("/tasks", "admin.bandung").json["items"]
                if t["id"] == task.id]
    assert listed["form"]["properties"]["data_tambahan"]["default"] == USER_DATA


def test_without_an_earlier_answer_the_field_starts_empty(app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                      ("step05_kelengkapan", {"perlu_data_tambahan": True}))
    task = desk.task(ticket, "step06_minta_data")
    page = html(visitor(app, "helpdesk.lkpp").get(f"/tugas/{task.id}"))
    assert page.xpath('//textarea[@id="data_diminta"]/text()') == []


def test_a_prefill_naming_a_field_of_no_other_form_is_a_problem_naming_it() -> None:
    forms: dict[str, Any] = dict(read_forms(PROCESSES / "escalation.bpmn"))
    step10 = json.loads(forms["step10_kirim_data.json"])
    step10["properties"]["data_tambahan"]["x-prefill-from"] = "data_pengguna_typo"
    forms["step10_kirim_data.json"] = step10
    problems, _ = validate_diagram((PROCESSES / "escalation.bpmn").read_bytes(), forms)
    assert [p.message.params["source"] for p in problems
            if isinstance(p.message, Message) and p.message.code == "prefill_unknown_field"
            ] == ["data_pengguna_typo"]
    good, _ = validate_diagram((PROCESSES / "escalation.bpmn").read_bytes(),
                               read_forms(PROCESSES / "escalation.bpmn"))
    assert not [p for p in good if isinstance(p.message, Message)
                and p.message.code == "prefill_unknown_field"]


def test_an_all_optional_form_sent_empty_asks_first_and_completes_on_the_second_button(
        app: Flask, desk: Desk) -> None:
    ticket = desk.run(to_step_6(desk), ("step06_minta_data", {"data_diminta": ASKED}))
    task = desk.task(ticket, "step07_terima_permintaan")
    admin = visitor(app, "admin.bandung")

    asked = admin.post(f"/tugas/{task.id}", {})
    assert asked.status_code == 200
    page = html(asked)
    assert " ".join(page.xpath('string(//*[@id="konfirmasi-kosong"])').split()) == (
        "Tidak ada isian. Kirim tanpa isian?")
    assert page.xpath('//form[@class="task-form"]//button[@name="kirim_tanpa_isian"]')
    assert desk.pending(ticket) == ["step07_terima_permintaan"]

    sent = admin.post(f"/tugas/{task.id}", {"kirim_tanpa_isian": "1"})
    assert sent.status_code == 302
    assert desk.pending(ticket) == ["step08_data_pengguna"]


def test_a_filled_optional_form_completes_at_once(app: Flask, desk: Desk) -> None:
    ticket = desk.run(to_step_6(desk), ("step06_minta_data", {"data_diminta": ASKED}))
    task = desk.task(ticket, "step07_terima_permintaan")
    sent = visitor(app, "admin.bandung").post(f"/tugas/{task.id}",
                                              {"catatan_admin": "Sudah ditelepon."})
    assert sent.status_code == 302


def test_step_7_opens_with_the_helpdesks_request_above_the_form(app: Flask,
                                                                desk: Desk) -> None:
    ticket = desk.run(to_step_6(desk), ("step06_minta_data", {"data_diminta": ASKED}))
    task = desk.task(ticket, "step07_terima_permintaan")
    page = html(visitor(app, "admin.bandung").get(f"/tugas/{task.id}"))
    assert order(page) == ["perlu-ditanggapi", "form", "riwayat"]
    assert card_values(page)["data_diminta"] == ASKED
    card = page.xpath('//*[@id="perlu-ditanggapi"]')[0]
    assert card.get("data-step") == "step06_minta_data"
    # The history is folded, closed until opened.
    assert page.xpath('//details[@id="riwayat"]/@open') == []


def test_step_9_opens_with_the_admins_request_to_the_reporter(app: Flask, desk: Desk) -> None:
    ticket = desk.run(to_step_6(desk), ("step06_minta_data", {"data_diminta": ASKED}),
                      "step07_terima_permintaan",
                      ("step08_data_pengguna", {"perlu_data_pengguna": True,
                                               "permintaan_ke_pengguna": ASKED}))
    task = desk.task(ticket, "step09_kirim_data_pengguna")
    page = html(visitor(app, "pengguna.bandung").get(f"/tugas/{task.id}"))
    assert order(page) == ["perlu-ditanggapi", "form", "riwayat"]
    assert page.xpath('//*[@id="perlu-ditanggapi"]/@data-step') == ["step08_data_pengguna"]
    assert card_values(page)["permintaan_ke_pengguna"] == ASKED


def test_step_15_opens_with_the_solution_to_check(app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan", "step05_kelengkapan",
                      "step12_penanganan", "step13_cek_selesai",
                      ("step14_balas_selesai", {"solusi": SOLUTION}))
    task = desk.task(ticket, "step15_periksa")
    page = html(visitor(app, "pengguna.bandung").get(f"/tugas/{task.id}"))
    assert order(page) == ["perlu-ditanggapi", "form", "riwayat"]
    assert card_values(page) == {"solusi": SOLUTION}


def test_step_4s_guidance_heads_the_ticket_page_of_the_admin_and_the_reporter(
        app: Flask, desk: Desk) -> None:
    guidance = "Atur ulang akun penyedia lewat menu Admin Agency, lalu minta unggah ulang."
    ticket = desk.run(desk.open(), "step02_terima",
                      ("step03_kewenangan", {"kewenangan": "LPSE"}),
                      ("step04_panduan", {"panduan": guidance}))
    for username in ("admin.bandung", "pengguna.bandung"):
        page = html(visitor(app, username).get(f"/tiket/{ticket.id}"))
        card = page.xpath('//*[@id="perlu-ditanggapi"]')[0]
        assert card.get("data-step") == "step04_panduan"
        assert card_values(page)["panduan"] == guidance
        # Before the position, the history and everything else.
        ids = page.xpath('//*[@id="perlu-ditanggapi" or @id="posisi-tiket" or @id="riwayat"]'
                         '/@id')
        assert ids == ["perlu-ditanggapi", "posisi-tiket", "riwayat"]


def test_a_reopen_heads_the_ticket_page_with_its_reason(app: Flask, desk: Desk) -> None:
    reason = "Unggah masih gagal untuk berkas di atas 20 MB."
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan", "step05_kelengkapan",
                      "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
                      "step15_periksa",
                      ("step16_konfirmasi", {"terselesaikan": False,
                                             "alasan_belum_selesai": reason}))
    for username in ("helpdesk.lkpp", "admin.bandung", "pengguna.bandung"):
        page = html(visitor(app, username).get(f"/tiket/{ticket.id}"))
        assert card_values(page)["alasan_belum_selesai"] == reason, username
    step12 = desk.task(ticket, "step12_penanganan")
    page = html(visitor(app, "helpdesk.lkpp").get(f"/tugas/{step12.id}"))
    assert card_values(page)["alasan_belum_selesai"] == reason
