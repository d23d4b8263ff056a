"""Single sign-on: the account of a person an OpenID Connect provider vouches for.

The provider says who signed in (its id_token, verified at the edge); the account is found
by the email address the provider has verified, never by one it merely passes on, so an
address typed into the provider's profile cannot open someone else's account.
"""

from __future__ import annotations

from sqlalchemy import func, select

from engine.errors import Forbidden, NotFound
from engine.messages import Message
from engine.people.accounts import user_of_row
from engine.persistence.tables import UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import User

# An address longer than the column can hold matches no account.
MAX_EMAIL = 200


def user_for_verified_email(uow: UnitOfWork, email: object, verified: object) -> User:
    """The active account whose email is `email` (any letter case), when the provider
    verified it (`verified` is True); Forbidden when unverified, deactivated or shared by
    several accounts, NotFound when no account has it."""
    address = email.strip() if isinstance(email, str) else ""
    if not address or len(address) > MAX_EMAIL or "\x00" in address:
        raise Forbidden(Message("sso_no_email"))
    if verified is not True:  # "true" as a string, or absent, is not a verification
        raise Forbidden(Message("sso_email_unverified", email=address))
    with uow:
        rows = list(uow.session.scalars(
            select(UserRow).where(func.lower(UserRow.email) == address.lower())
            .order_by(UserRow.id)))
        active = [row for row in rows if row.active]
        if not rows:
            raise NotFound(Message("sso_no_account", email=address))
        if not active:
            raise Forbidden(Message("sso_account_inactive", email=address))
        if len(active) > 1:
            raise Forbidden(Message("sso_email_ambiguous", email=address))
        return user_of_row(uow.session, active[0])
