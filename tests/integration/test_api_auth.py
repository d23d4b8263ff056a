"""Bearer tokens of the JSON API: issuing, checking, expiring, and who the caller is."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import itsdangerous
import pytest
from sqlalchemy import update

from engine import Database
from engine.persistence.tables import UserRow
from tests.integration.api_client import USERS, Api
from web.api import auth

PASSWORD = "eskalasi-demo"  # the demo password of CONTRACT.md
ME = {
    "pengguna.bandung": ("Pengguna SPSE", "LPSE Kota Bandung"),
    "admin.bandung": ("Admin LPSE", "LPSE Kota Bandung"),
    "pengguna.surabaya": ("Pengguna SPSE", "LPSE Kota Surabaya"),
    "admin.surabaya": ("Admin LPSE", "LPSE Kota Surabaya"),
    "helpdesk.lkpp": ("Helpdesk LKPP", None),
    "pemilik.proses": ("process owner", None),
    "auditor": ("auditor", None),
    "helpdesk2.lkpp": ("Helpdesk LKPP", None),
    "admin.sistem": ("administrator", None),
}
# One endpoint of each kind; none of them answers without a valid token.
GUARDED = [("GET", "/me"), ("GET", "/tickets"), ("GET", "/tickets/1"),
           ("GET", "/tickets/1/events"), ("GET", "/tickets/1/verify"),
           ("GET", "/tickets/start-form"), ("POST", "/tickets"), ("GET", "/tasks"),
           ("GET", "/tasks/00000000-0000-4000-8000-000000000000"),
           ("POST", "/tasks/00000000-0000-4000-8000-000000000000/complete"),
           ("GET", "/process-versions"), ("POST", "/process-versions"),
           ("POST", "/process-versions/validate")]


def with_token(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_each_demo_user_gets_a_token_and_is_who_the_token_says(api: Api) -> None:
    lifetime = timedelta(seconds=api.app.config["API_TOKEN_SECONDS"])
    for username in USERS:
        issued = api.post("/auth/token", json={"username": username, "password": PASSWORD})
        assert issued.status_code == 200, username
        expires_at = datetime.fromisoformat(issued.json["expires_at"])
        assert abs(expires_at - (datetime.now(UTC) + lifetime)) < timedelta(seconds=5)
        me = api.get("/me", headers=with_token(issued.json["token"])).json
        assert (me["username"], me["role"], me["lpse"]) == (username, *ME[username])


def test_wrong_credentials_are_401_the_same_for_unknown_users(api: Api) -> None:
    for credentials in ({"username": "auditor", "password": "wrong"},
                        {"username": "nobody", "password": PASSWORD},
                        {"username": "AUDITOR ", "password": PASSWORD}):
        response = api.post("/auth/token", json=credentials)
        assert response.status_code == 401, credentials
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["detail"] == "Nama pengguna atau kata sandi salah."


def test_a_token_request_without_username_or_password_is_422(api: Api) -> None:
    for body, field in (({"password": PASSWORD}, "username"),
                        ({"username": "auditor"}, "password"),
                        ({"username": ["auditor"], "password": PASSWORD}, "username"),
                        ({"username": "auditor", "password": 12345}, "password"),
                        ({"username": "", "password": ""}, "username password")):
        response = api.post("/auth/token", json=body)
        assert response.status_code == 422, body
        assert set(response.json["errors"]) == set(field.split())


def test_a_token_request_that_is_not_json_is_415(api: Api) -> None:
    response = api.post("/auth/token", data={"username": "auditor", "password": PASSWORD})
    assert response.status_code == 415


def test_too_many_wrong_passwords_are_429_even_with_the_right_one_after(api: Api) -> None:
    for _ in range(5):
        wrong = api.post("/auth/token", json={"username": "auditor", "password": "wrong"})
        assert wrong.status_code == 401
    right = api.post("/auth/token", json={"username": "auditor", "password": PASSWORD})
    assert right.status_code == 429


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Basic YXVkaXRvcjplc2thbGFzaS1kZW1v", "Bearer not-a-token",
    "Token {token}", "Bearer {token}x",
])
def test_a_missing_or_invalid_token_is_401_with_a_bearer_challenge(
        api: Api, authorization: str | None) -> None:
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(token=api.token("auditor"))
    for method, path in GUARDED:
        response = api.call(method, path, headers=headers, json={})
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_signed_with_another_key_or_for_another_purpose_is_401(api: Api) -> None:
    key = api.app.config["SECRET_KEY"]
    forged = [itsdangerous.URLSafeTimedSerializer("another-key", salt=auth.SALT).dumps("auditor"),
              itsdangerous.URLSafeTimedSerializer(key, salt="cookie-session").dumps("auditor"),
              itsdangerous.URLSafeTimedSerializer(key, salt=auth.SALT).dumps({"u": "auditor"})]
    for token in forged:
        assert api.get("/me", headers=with_token(token)).status_code == 401


def test_an_expired_token_is_401(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    lifetime = api.app.config["API_TOKEN_SECONDS"]
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp",
                        lambda _self: int(time.time()) - lifetime - 2)
    with api.app.app_context():
        token, expires_at = auth.issue("auditor")
    monkeypatch.undo()
    assert expires_at < datetime.now(UTC)
    response = api.get("/me", headers=with_token(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "kedaluwarsa" in response.json["detail"]  # Indonesian unless English is asked
    english = api.get("/me", headers={**with_token(token), "Accept-Language": "en"})
    assert "expired" in english.json["detail"]


def test_a_token_stops_working_when_its_user_is_deactivated(
        api: Api, database: Database) -> None:
    token = api.token("helpdesk.lkpp")
    assert api.get("/tasks", headers=with_token(token)).status_code == 200
    with database.uow() as uow:
        uow.session.execute(
            update(UserRow).where(UserRow.username == "helpdesk.lkpp").values(active=False))
        uow.commit()
    assert api.get("/tasks", headers=with_token(token)).status_code == 401


def test_the_openapi_document_needs_no_token(api: Api) -> None:
    response = api.get("/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"] == "3.1.0"
