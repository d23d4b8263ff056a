"""Fixtures of the integration tier: the checked API client, demo accounts with addresses,
a working directory for the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import Database
from engine.persistence.tables import UserRow
from engine.process.files import DEFAULT_DIAGRAM
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


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_database_url: str) -> Path:
    """A working directory with a copy of processes/ and an empty database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESKALASI_DATABASE_URL", empty_database_url)
    shutil.copytree(DEFAULT_DIAGRAM.parent, tmp_path / "processes")
    return tmp_path
