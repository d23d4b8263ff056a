"""Settings: every ESKALASI_* variable read once, the app built on them, the test overrides."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from engine import Settings, SettingsError, SmtpSettings
from web import create_app
from web.config import DATABASE_EXTENSION, development_secret_key


def test_workers_starting_together_share_one_development_key(tmp_path: Path) -> None:
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(development_secret_key(tmp_path / "instance"))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) > 40


def test_cookies_are_secure_outside_development(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    production = create_app({"DATABASE_URL": url, "SECRET_KEY": "k"})
    development = create_app({"DATABASE_URL": url, "SECRET_KEY": "k", "DEVELOPMENT": True})
    try:
        assert production.config["SESSION_COOKIE_SECURE"] is True
        assert production.config["SESSION_COOKIE_HTTPONLY"] is True
        assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert development.config["SESSION_COOKIE_SECURE"] is False
    finally:
        for app in (production, development):
            app.extensions[DATABASE_EXTENSION].dispose()


EVERY_VARIABLE = {
    "ESKALASI_DATABASE_URL": "postgresql+psycopg://eskalasi@db/eskalasi",
    "ESKALASI_ATTACHMENTS_DIR": "/srv/eskalasi/attachments",
    "ESKALASI_SECRET_KEY": "rahasia",
    "ESKALASI_DEMO_PASSWORD": "demo-lain",
    "ESKALASI_BASE_URL": "https://eskalasi.lkpp.test/",
    "ESKALASI_SMTP_HOST": "mail.lkpp.test",
    "ESKALASI_SMTP_PORT": "2525",
    "ESKALASI_SMTP_USER": "u",
    "ESKALASI_SMTP_PASSWORD": "p",
    "ESKALASI_SMTP_FROM": "noreply@lkpp.test",
    "ESKALASI_SMTP_STARTTLS": "ya",
    "ESKALASI_TRUSTED_PROXIES": "1",
    "ESKALASI_OIDC_ISSUER": "https://sso.lkpp.test",
    "ESKALASI_OIDC_CLIENT_ID": "eskalasi",
    "ESKALASI_OIDC_CLIENT_SECRET": "oidc-rahasia",
}


def test_the_settings_read_every_variable_of_the_contract() -> None:
    settings = Settings.from_environment(EVERY_VARIABLE)
    assert settings == Settings(
        database_url="postgresql+psycopg://eskalasi@db/eskalasi",
        attachments_dir=Path("/srv/eskalasi/attachments"), secret_key="rahasia",
        demo_password="demo-lain", base_url="https://eskalasi.lkpp.test",
        smtp=SmtpSettings(host="mail.lkpp.test", port=2525, user="u", password="p",
                          sender="noreply@lkpp.test", starttls=True),
        trusted_proxies=1, oidc_issuer="https://sso.lkpp.test", oidc_client_id="eskalasi",
        oidc_client_secret="oidc-rahasia", instance=settings.instance)
    for secret in ("rahasia", "demo-lain", "oidc-rahasia"):
        assert secret not in repr(settings)


def test_without_variables_the_settings_are_the_contracts_defaults(tmp_path: Path) -> None:
    settings = Settings.from_environment({})
    assert settings == Settings(instance=settings.instance)
    assert (settings.demo_password, settings.smtp, settings.trusted_proxies) == (
        "eskalasi-demo", None, 0)
    local = Settings(instance=tmp_path / "instance")
    expected = f"sqlite:///{tmp_path / 'instance' / 'eskalasi.sqlite3'}"
    assert local.resolved_database_url() == expected
    assert local.resolved_attachments_dir() == tmp_path / "instance" / "attachments"


def test_a_setting_that_is_not_a_number_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="ESKALASI_TRUSTED_PROXIES must be a whole number"):
        Settings.from_environment({"ESKALASI_TRUSTED_PROXIES": "satu"})
    with pytest.raises(SettingsError, match="ESKALASI_SMTP_STARTTLS must be true or false"):
        Settings.from_environment({"ESKALASI_SMTP_HOST": "m", "ESKALASI_SMTP_STARTTLS": "kadang"})


def test_the_app_runs_on_the_settings_it_is_given(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", secret_key="dari-env",
                        attachments_dir=tmp_path / "files", instance=tmp_path / "instance")
    app = create_app({}, settings)
    try:
        database = app.extensions[DATABASE_EXTENSION]
        assert app.config["SECRET_KEY"] == "dari-env"
        assert str(database.engine.url) == settings.database_url
        assert database.store.root == tmp_path / "files"
    finally:
        app.extensions[DATABASE_EXTENSION].dispose()


def test_the_test_config_wins_over_the_settings(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'settings.sqlite3'}",
                        secret_key="dari-env", instance=tmp_path / "instance")
    url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-key",
                      "ATTACHMENTS_DIR": str(tmp_path / "test-files")}, settings)
    try:
        database = app.extensions[DATABASE_EXTENSION]
        assert app.config["SECRET_KEY"] == "test-key"
        assert str(database.engine.url) == url
        assert database.store.root == tmp_path / "test-files"
        assert database.settings.secret_key == "test-key"
    finally:
        app.extensions[DATABASE_EXTENSION].dispose()


def test_create_app_builds_its_settings_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESKALASI_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("ESKALASI_SECRET_KEY", "dari-lingkungan")
    app = create_app()
    try:
        assert app.config["SECRET_KEY"] == "dari-lingkungan"
        assert str(app.extensions[DATABASE_EXTENSION].engine.url).endswith("env.sqlite3")
    finally:
        app.extensions[DATABASE_EXTENSION].dispose()


def _reads_the_environment(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                alias.name in {"environ", "getenv"} for alias in node.names):
            return True
    return False


def test_only_the_settings_module_reads_the_environment() -> None:
    root = Path(__file__).resolve().parents[2]
    readers = sorted(str(path.relative_to(root))
                     for package in ("engine", "web", "cli")
                     for path in (root / package).rglob("*.py")
                     if _reads_the_environment(ast.parse(path.read_text(), str(path))))
    assert readers == ["engine/settings.py"]
