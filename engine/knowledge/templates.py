"""Reply templates (issue 17): stored answers for Helpdesk LKPP and Admin LPSE at step 4
(a guide), step 14 (a solution) and data requests, with placeholders filled from the
ticket ({nomor}, {judul}, {pelapor}, {lpse}, {aplikasi}, {kode_error}). Helpdesk LKPP
manages them; each change is an event of the `knowledge` stream."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from engine.errors import Forbidden, InvalidData, NotFound
from engine.evidence import checkpoints
from engine.knowledge import stream
from engine.knowledge.model import ReplyTemplate
from engine.messages import Message
from engine.persistence.tables import EventRow, LpseRow, ReplyTemplateRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets import access
from engine.types import Role, User

# Where a template is offered: the SOP steps of a guide, a solution, and data requests.
PLACES: Mapping[str, tuple[int, ...]] = {"4": (4,), "14": (14,), "data": (6, 8, 9, 10, 11)}
PLACEHOLDERS = ("nomor", "judul", "pelapor", "lpse", "aplikasi", "kode_error")
MAX_ID = 2**31 - 1


def _helpdesk(actor: User) -> None:
    if actor.role is not Role.HELPDESK:
        raise Forbidden(Message("only_helpdesk_manages_templates"))


def _to_template(row: ReplyTemplateRow, text: str = "") -> ReplyTemplate:
    return ReplyTemplate(row.id, row.name, row.body, tuple(row.places), text)


def list_templates(uow: UnitOfWork, actor: User) -> list[ReplyTemplate]:
    """Every template, by name (Helpdesk LKPP, who manages them)."""
    _helpdesk(actor)
    with uow:
        return [_to_template(r) for r in uow.session.scalars(
            select(ReplyTemplateRow).order_by(ReplyTemplateRow.name))]


def save_template(uow: UnitOfWork, actor: User, data: Mapping[str, Any],
                  template_id: int | None = None) -> ReplyTemplate:
    """Add a template or change one; InvalidData naming each bad field."""
    _helpdesk(actor)
    name = " ".join(str(data.get("nama") or "").split())
    body = str(data.get("isi") or "").strip()
    places = [p for p in PLACES if p in (data.get("tempat") or ())]
    errors: dict[str, list[Message]] = {}
    for field, value, limit in (("nama", name, 100), ("isi", body, 5000)):
        if not value:
            errors[field] = [Message("field_required")]
        elif "\x00" in value:
            errors[field] = [Message("field_nul")]
        elif len(value) > limit:
            errors[field] = [Message("field_max_length", limit=limit)]
    if not places:
        errors["tempat"] = [Message("field_required")]
    with uow:
        session = uow.session
        taken = session.scalar(select(ReplyTemplateRow.id).where(ReplyTemplateRow.name == name))
        if taken is not None and taken != template_id and "nama" not in errors:
            errors["nama"] = [Message("template_name_taken")]
        if errors:
            raise InvalidData(errors)
        now = datetime.now(UTC)
        if template_id is None:
            row = ReplyTemplateRow(name=name, body=body, places=places, updated_by_id=actor.id,
                                   updated_at=now)
            session.add(row)
        else:
            found = (session.get(ReplyTemplateRow, template_id)
                     if 0 < template_id <= MAX_ID else None)
            if found is None:
                raise NotFound(Message("template_not_found"))
            row = found
            row.name, row.body, row.places = name, body, places
            row.updated_by_id, row.updated_at = actor.id, now
        session.flush()
        stream.record(session, actor, stream.TEMPLATE_SAVED,
                      {"template": row.id, "name": name, "body": body, "places": places})
        uow.commit()
        checkpoints.after_change(uow)
        return _to_template(row)


def delete_template(uow: UnitOfWork, actor: User, template_id: int) -> None:
    """Remove a template."""
    _helpdesk(actor)
    with uow:
        session = uow.session
        row = session.get(ReplyTemplateRow, template_id) if 0 < template_id <= MAX_ID else None
        if row is None:
            raise NotFound(Message("template_not_found"))
        stream.record(session, actor, stream.TEMPLATE_DELETED,
                      {"template": row.id, "name": row.name})
        session.delete(row)
        uow.commit()
        checkpoints.after_change(uow)


def fill(body: str, values: Mapping[str, str]) -> str:
    """The body with each known {placeholder} replaced (unknown braces stay as typed)."""
    for name in PLACEHOLDERS:
        body = body.replace("{" + name + "}", values.get(name, ""))
    return body


def _ticket_values(uow: UnitOfWork, ticket: TicketRow) -> dict[str, str]:
    session = uow.session
    opened = session.scalar(select(EventRow.data).where(
        EventRow.ticket_id == ticket.id, EventRow.type == "ticket_opened").limit(1))
    given = (opened or {}).get("form")
    form: dict[str, Any] = given if isinstance(given, dict) else {}
    reporter = session.scalar(select(UserRow.full_name).where(UserRow.id == ticket.reporter_id))
    lpse = session.scalar(select(LpseRow.name).where(LpseRow.id == ticket.lpse_id))
    return {"nomor": ticket.number, "judul": ticket.title, "pelapor": reporter or "",
            "lpse": lpse or "", "aplikasi": str(form.get("aplikasi") or ""),
            "kode_error": str(form.get("kode_error") or "")}


def templates_for(uow: UnitOfWork, actor: User, ticket_id: int,
                  sop_step: int | None) -> list[ReplyTemplate]:
    """The templates offered on a task of a ticket (at its SOP step), filled from the
    ticket; none for whoever may not see the ticket or is not its handler."""
    if actor.role not in (Role.HELPDESK, Role.ADMIN) or sop_step is None:
        return []
    places = [p for p, steps in PLACES.items() if sop_step in steps]
    if not places or not 0 < ticket_id <= MAX_ID:
        return []
    with uow:
        ticket = uow.session.get(TicketRow, ticket_id)
        if ticket is None or not access.may_see_ticket(actor, ticket):
            return []
        values = _ticket_values(uow, ticket)
        rows = uow.session.scalars(select(ReplyTemplateRow).order_by(ReplyTemplateRow.name))
        return [_to_template(r, fill(r.body, values)) for r in rows
                if set(r.places) & set(places)]
