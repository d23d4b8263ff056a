"""The comparison and migration pages: process owners only, words and marks, the dry run
and the migration through the form."""

from __future__ import annotations

import json

import pytest
from flask import Flask

import engine
from engine import Database
from tests.desk import Desk
from tests.diagram_edits import FORMS, form_with_field, renamed, replaced_id
from tests.pages import html, texts, visitor
from web.config import DATABASE_EXTENSION

OTHERS = ("pengguna.bandung", "admin.bandung", "helpdesk.lkpp", "auditor")
V2_BPMN = renamed("step03_kewenangan", "Kewenangan <b>&amp;</b> wewenang",
                  replaced_id("step04_panduan", "step04_arahan"))
V2_FORMS = form_with_field("step12_penanganan.json", "nomor_vendor", "Nomor Vendor")


@pytest.fixture
def desk(app: Flask) -> Desk:
    database: Database = app.extensions[DATABASE_EXTENSION]
    return Desk(database)


def deploy(desk: Desk) -> engine.ProcessVersion:
    version, _ = engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik.proses"),
                               V2_BPMN, V2_FORMS, "v2")
    return version


def paths(version_id: str) -> list[str]:
    return [f"/proses/versi/{version_id}/bandingkan",
            f"/proses/versi/{version_id}/bandingkan.json",
            f"/proses/versi/{version_id}/migrasi", "/proses/draf/1/bandingkan",
            "/proses/draf/1/bandingkan.json"]


def test_every_other_role_gets_404_and_signed_out_visitors_sign_in(app: Flask,
                                                                    desk: Desk) -> None:
    version = deploy(desk)
    for username in OTHERS:
        person = visitor(app, username)
        for path in paths(version.id):
            assert person.get(path).status_code == 404, (username, path)
        assert person.post(f"/proses/versi/{version.id}/migrasi",
                           {"tiket": "1"}).status_code == 404
    stranger = visitor(app)
    response = stranger.get(f"/proses/versi/{version.id}/migrasi")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_the_comparison_names_each_change_and_marks_both_diagrams(app: Flask,
                                                                  desk: Desk) -> None:
    old = engine.list_versions(desk.database.uow(), engine.command_line_operator("tests"))[0]
    version = deploy(desk)
    owner = visitor(app, "pemilik.proses")
    page = owner.get(f"/proses/versi/{old.id}/bandingkan?dengan={old.id}")
    assert page.status_code == 200 and "Tidak ada perbedaan" in page.text
    page = owner.get(f"/proses/versi/{version.id}/bandingkan")
    assert page.status_code == 200
    sentences = texts(page, '//ol[@id="daftar-perubahan"]/li')
    assert any("step04_arahan" not in s and "ditambahkan" in s for s in sentences)
    assert any("dihapus" in s and "Membalas tiket" in s for s in sentences)
    assert any("Nomor Vendor" in s and "ditambahkan" in s for s in sentences)
    # names from the diagram are escaped, never markup
    assert "Kewenangan <b>" not in page.text and "Kewenangan &lt;b&gt;" in page.text
    source = html(page).xpath('//*[@id="compare-diagrams"]/@data-source')[0]
    data = json.loads(owner.get(source).text)
    assert data["before"]["marks"]["step04_panduan"] == "removed"
    assert data["after"]["marks"]["step04_arahan"] == "added"
    assert data["after"]["marks"]["step12_penanganan"] == "changed"
    assert "step04_arahan" in data["after"]["xml"]


def test_a_draft_is_compared_with_the_deployed_version(app: Flask, desk: Desk) -> None:
    owner_user = desk.user("pemilik.proses")
    draft = engine.save_draft(desk.database.uow(), owner_user, name="Coba",
                              bpmn=renamed("step02_terima", "Telaah").decode(),
                              forms={k: v.decode() for k, v in FORMS.items()})
    owner = visitor(app, "pemilik.proses")
    page = owner.get(f"/proses/draf/{draft.id}/bandingkan")
    assert page.status_code == 200
    assert texts(page, '//ol[@id="daftar-perubahan"]/li') == [
        'Langkah "Menerima dan mempelajari permasalahan" diganti namanya menjadi "Telaah".']
    assert owner.get("/proses/draf/999/bandingkan").status_code == 404


def test_an_unknown_version_is_404_for_the_owner_too(app: Flask) -> None:
    owner = visitor(app, "pemilik.proses")
    for path in paths("nope")[:3]:
        assert owner.get(path).status_code == 404


def test_the_dry_run_and_the_migration_through_the_form(app: Flask, desk: Desk) -> None:
    movable = desk.run(desk.open(), "step02_terima")
    stuck = desk.run(desk.open(), "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}))
    version = deploy(desk)
    owner = visitor(app, "pemilik.proses")
    path = f"/proses/versi/{version.id}/migrasi"
    page = owner.get(path)
    assert page.status_code == 200
    rows = {row.get("data-ticket-number"): row for row in html(page).xpath(
        '//table[contains(@class, "migration-plan")]/tbody/tr')}
    assert rows[movable.number].get("data-can-migrate") == "true"
    assert rows[stuck.number].get("data-can-migrate") == "false"
    assert "dihapus pada versi 2" in rows[stuck.number].text_content()
    assert not rows[stuck.number].xpath('.//input[@type="checkbox"]')
    # without the CSRF token, nothing happens
    assert owner.post(path, {"tiket": str(movable.id)}, csrf=False).status_code == 400
    # nothing chosen, or nonsense: a clear error, nothing changed
    for bad in ({}, {"tiket": "abc"}, {"tiket": "-1"}):
        refused = owner.post(path, bad)
        assert refused.status_code == 422
        assert texts(refused, '//*[@id="migration-error"]')
    assert desk.database and engine.get_ticket(
        desk.database.uow(), desk.user("helpdesk.lkpp"),
        movable.id).process_version == movable.process_version
    done = owner.post(path, {"tiket": [str(movable.id), str(stuck.id)]})
    assert done.status_code == 200
    results = {li.get("data-ticket-id"): li.get("data-migrated") for li in html(done).xpath(
        '//section[@id="hasil-migrasi"]//li')}
    assert results == {str(movable.id): "true", str(stuck.id): "false"}
    assert "1 dari 2 tiket dipindah" in done.text
    assert engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             movable.id).process_version == version.id
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow()))


def test_a_moved_ticket_shows_its_new_diagram_and_history(app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    version = deploy(desk)
    [result] = engine.migrate_tickets(desk.database.uow, desk.user("pemilik.proses"),
                                      version.id, [ticket.id])
    assert result.migrated
    helpdesk = visitor(app, "helpdesk.lkpp")
    page = helpdesk.get(f"/tiket/{ticket.id}")
    assert page.status_code == 200
    diagram = json.loads(helpdesk.get(f"/tiket/{ticket.id}/diagram.json").text)
    assert "step04_arahan" in diagram["xml"] and diagram["current"] == ["step03_kewenangan"]
    assert "step02_terima" in diagram["completed"]
    auditor = visitor(app, "auditor")
    for path in (f"/audit/tiket/{ticket.id}", f"/audit/tiket/{ticket.id}/replay",
                 f"/audit/tiket/{ticket.id}/verifikasi"):
        assert auditor.get(path).status_code == 200, path


def test_a_draft_that_is_not_a_diagram_gets_a_clear_error(app: Flask, desk: Desk) -> None:
    draft = engine.save_draft(desk.database.uow(), desk.user("pemilik.proses"), name="Rusak",
                              bpmn="<bpmn:definitions", forms={})
    owner = visitor(app, "pemilik.proses")
    for path in (f"/proses/draf/{draft.id}/bandingkan",
                 f"/proses/draf/{draft.id}/bandingkan.json"):
        answer = owner.get(path)
        assert answer.status_code == 422, path
        assert "tidak dapat dibandingkan" in answer.text


def test_the_owner_picks_the_version_to_compare_with(app: Flask, desk: Desk) -> None:
    first = engine.list_versions(desk.database.uow(), engine.command_line_operator("tests"))[0]
    version = deploy(desk)
    owner = visitor(app, "pemilik.proses")
    page = owner.get(f"/proses/versi/{version.id}/bandingkan")
    assert html(page).xpath('//select[@name="dengan"]/option[@selected]/@value') == [first.id]
    same = owner.get(f"/proses/versi/{version.id}/bandingkan?dengan={version.id}")
    assert "Tidak ada perbedaan" in same.text
    assert owner.get(f"/proses/versi/{version.id}/bandingkan?dengan=nope").status_code == 404
