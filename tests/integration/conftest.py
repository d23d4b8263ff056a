"""Fixtures of the integration tier: the checked API client, demo accounts with addresses."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import Database
from engine.persistence.tables import UserRow
from tests.integration.api_client import Api
from tests.integration.smtp import address


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    """The JSON API called as the demo users; every answer checked against its OpenAPI."""
    return Api(app, client)


@pytest.fixture
def with_emails(database: Database) -> None:
    """Every demo account has an address `<username>@lkpp.test`, except `admin.surabaya`."""
    with database.uow() as uow:
        for user in uow.session.scalars(select(UserRow)):
            if user.username != "admin.surabaya":
                user.email = address(user.username)
        uow.commit()


@pytest.fixture
def helpdesk_mail_only(database: Database) -> None:
    """Only `helpdesk.lkpp` has an address, so a new ticket makes exactly one mail (for tests
    of the outbox's mechanics); the others it tells (the second helpdesk user, the reporter
    the ticket was opened for) read it in the app."""
    with database.uow() as uow:
        for user in uow.session.scalars(select(UserRow)):
            user.email = address(user.username) if user.username == "helpdesk.lkpp" else None
        uow.commit()
