"""Pengaturan email (/akun/notifikasi): for each kind of notification, mail at once, in the
daily digest ("ringkasan harian"), or none. In-app notifications are always kept."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.extensions import _
from web.pages.common import page, signed_in

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"


def kind_labels() -> dict[str, str]:
    """Each notification kind as people read it (the notifications page says the same)."""
    return {
        "task_assigned": _("Tugas baru"),
        "data_requested": _("Permintaan data"),
        "ticket_solved": _("Permasalahan selesai"),
        "guidance_given": _("Panduan penyelesaian"),
        "ticket_reopened": _("Tiket dibuka kembali"),
        "reminder": _("Pengingat"),
        "comment_added": _("Komentar"),
        "ticket_opened": _("Tiket dibuka"),
        "request_received": _("Permintaan baru"),
        "request_answered": _("Permintaan dijawab"),
        "diagram_incident": _("Insiden diagram"),
        "audit_checkpoint": _("Checkpoint audit"),
        "ticket_cancelled": _("Tiket dibatalkan"),
    }


def mode_labels() -> tuple[tuple[str, str], ...]:
    """The choices for each kind, in the order shown."""
    return ((IMMEDIATE, _("Langsung")), (DIGEST, _("Ringkasan harian")),
            (OFF, _("Tidak dikirim")))


def _page(settings: Mapping[str, str], status: int = 200,
          errors: Mapping[str, list[str]] | None = None) -> ResponseReturnValue:
    labels = kind_labels()
    return page("mail_settings.html", status, settings=settings, errors=errors or {},
                kinds=[(kind, labels.get(kind, kind)) for kind in settings],
                modes=mode_labels())


@signed_in
def mail_settings() -> ResponseReturnValue:
    """Show the user's mail settings; on POST save them (all kinds sent, or none changed)."""
    user = actor()
    current = engine.mail_settings(database().uow(), user)
    if request.method == "GET":
        return _page(current)
    chosen = {kind: str(request.form.get(kind, current[kind])) for kind in current}
    try:
        engine.set_mail_settings(database().uow(), user, chosen)
    except engine.InvalidData as invalid:
        return _page({**current, **chosen}, 422, invalid.errors)
    flash(_("Pengaturan email disimpan."), "success")
    return redirect(url_for(".mail_settings"))


def register(bp: Blueprint) -> None:
    """Add the mail settings page to the pages blueprint."""
    bp.add_url_rule("/akun/notifikasi", "mail_settings", mail_settings,
                    methods=("GET", "POST"))
