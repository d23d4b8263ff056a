"""Each person's mail settings: per notification kind, mail at once, in the daily digest,
or none. The in-app notification is always written; only the mail follows the setting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import delete, select

from engine.errors import InvalidData
from engine.messages import Message
from engine.persistence.tables import NotificationDigestRow, NotificationSettingRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets.notifications import KINDS, MAIL_DIGEST, MAIL_MODES, MAIL_NOW
from engine.types import User


def mail_settings(uow: UnitOfWork, actor: User) -> dict[str, str]:
    """Kind -> `immediate`, `digest` or `off` for every notification kind, the actor's own."""
    with uow:
        held = dict(uow.session.execute(
            select(NotificationSettingRow.kind, NotificationSettingRow.mode)
            .where(NotificationSettingRow.user_id == actor.id)).all())
        return {str(kind): held.get(str(kind), MAIL_NOW) for kind in KINDS}


def set_mail_settings(uow: UnitOfWork, actor: User, modes: Mapping[str, str],
                      now: datetime | None = None) -> dict[str, str]:
    """Change the actor's mail settings (kinds not named stay as they are); an unknown kind
    or mode is refused, naming it, and nothing changes. The first digest goes out a day
    after digest is first chosen."""
    errors: dict[str, list[str]] = {}
    for kind, mode in modes.items():
        if kind not in KINDS:
            errors.setdefault(kind, []).append(Message("unknown_notification_kind", kind=kind))
        elif mode not in MAIL_MODES:
            errors.setdefault(kind, []).append(Message("unknown_mail_mode", mode=mode))
    if errors:
        raise InvalidData(errors)
    with uow:
        session = uow.session
        session.execute(delete(NotificationSettingRow).where(
            NotificationSettingRow.user_id == actor.id,
            NotificationSettingRow.kind.in_(list(modes))))
        session.add_all(NotificationSettingRow(user_id=actor.id, kind=kind, mode=mode)
                        for kind, mode in modes.items() if mode != MAIL_NOW)
        if MAIL_DIGEST in modes.values() and session.get(NotificationDigestRow,
                                                          actor.id) is None:
            session.add(NotificationDigestRow(user_id=actor.id,
                                              sent_until=now or datetime.now(UTC)))
        uow.commit()
    return mail_settings(uow, actor)
