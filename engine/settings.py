"""The one settings object: every ESKALASI_* variable (CONTRACT.md, README.md), read once.

The entry points (`web.create_app`, `cli.main`) build it with `Settings.from_environment()`
and pass it down; nothing else in the project reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DEMO_PASSWORD = "eskalasi-demo"  # noqa: S105 - CONTRACT.md demo default
DEFAULT_SENDER = "eskalasi@localhost"
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ya"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off", "tidak"})


class SettingsError(ValueError):
    """An environment variable holds a value the project cannot use."""


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise SettingsError(f"{name} must not be negative, not {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _checkpoint_minutes(env: Mapping[str, str]) -> int:
    minutes = _integer(env, "ESKALASI_CHECKPOINT_MINUTES", 15)
    if not 1 <= minutes <= 1440:
        raise SettingsError(f"ESKALASI_CHECKPOINT_MINUTES must be 1 to 1440, not {minutes}")
    return minutes


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send mail; from ESKALASI_SMTP_* (no host: mail stays queued)."""

    host: str
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = DEFAULT_SENDER
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """The settings of `env`, or None when ESKALASI_SMTP_HOST is not set."""
        host = env.get("ESKALASI_SMTP_HOST", "").strip()
        if not host:
            return None
        starttls = _flag(env, "ESKALASI_SMTP_STARTTLS")
        return cls(host=host, port=_integer(env, "ESKALASI_SMTP_PORT", 587 if starttls else 25),
                   user=env.get("ESKALASI_SMTP_USER", ""),
                   password=env.get("ESKALASI_SMTP_PASSWORD", ""),
                   sender=env.get("ESKALASI_SMTP_FROM", "").strip() or DEFAULT_SENDER,
                   starttls=starttls)


@dataclass(frozen=True)
class Settings:
    """The whole configuration; an empty value means the default of CONTRACT.md."""

    database_url: str = ""                  # "": a SQLite file under `instance/`
    attachments_dir: Path | None = None     # None: `instance/attachments`
    secret_key: str = field(default="", repr=False)   # "": generated once into `instance/`
    demo_password: str = field(default=DEFAULT_DEMO_PASSWORD, repr=False)
    base_url: str = ""                      # "": the links in mail are paths
    smtp: SmtpSettings | None = None        # None: mail waits in the outbox
    trusted_proxies: int = 0                # 0: the peer address counts
    oidc_issuer: str = ""                   # "": passwords only
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)
    oidc_name: str = ""                     # "": the issuer's host names the button
    checkpoint_minutes: int = 15            # a checkpoint of the chain heads every 15 min
    witness_file: Path | None = None        # None: checkpoint hashes stay in the database
    instance: Path = field(default_factory=lambda: Path.cwd() / "instance")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of the process environment (or of `environ`), defaults for the rest."""
        env = os.environ if environ is None else environ
        attachments = env.get("ESKALASI_ATTACHMENTS_DIR", "").strip()
        return cls(
            database_url=env.get("ESKALASI_DATABASE_URL", "").strip(),
            attachments_dir=Path(attachments) if attachments else None,
            secret_key=env.get("ESKALASI_SECRET_KEY", ""),
            demo_password=env.get("ESKALASI_DEMO_PASSWORD", "") or DEFAULT_DEMO_PASSWORD,
            base_url=env.get("ESKALASI_BASE_URL", "").strip().rstrip("/"),
            smtp=SmtpSettings.from_environment(env),
            trusted_proxies=_integer(env, "ESKALASI_TRUSTED_PROXIES", 0),
            oidc_issuer=env.get("ESKALASI_OIDC_ISSUER", "").strip(),
            oidc_client_id=env.get("ESKALASI_OIDC_CLIENT_ID", "").strip(),
            oidc_client_secret=env.get("ESKALASI_OIDC_CLIENT_SECRET", ""),
            oidc_name=env.get("ESKALASI_OIDC_NAME", "").strip(),
            checkpoint_minutes=_checkpoint_minutes(env),
            witness_file=Path(witness) if (witness := env.get(
                "ESKALASI_WITNESS_FILE", "").strip()) else None,
        )

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL: the configured one, or a SQLite file under `instance/`."""
        if self.database_url:
            return self.database_url
        self.instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.instance / 'eskalasi.sqlite3'}"

    def resolved_attachments_dir(self) -> Path:
        """Where attachment files live: the configured folder or `instance/attachments`."""
        return self.attachments_dir or self.instance / "attachments"

    def single_sign_on(self) -> bool:
        """Whether sign-in through an OpenID Connect provider is set up (issuer and client)."""
        return bool(self.oidc_issuer and self.oidc_client_id)
