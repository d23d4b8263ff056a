"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives; it can be stopped."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from dataclasses import dataclass
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from engine.settings import SmtpSettings


@dataclass(frozen=True)
class Received:
    """One delivered mail: the envelope recipients and the parsed message."""

    recipients: tuple[str, ...]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        payload = self.message.get_payload(decode=True)
        return payload.decode() if isinstance(payload, bytes) else str(payload)


class _Keeper:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, smtp: Any, session: Any, envelope: Any,
                          address: str, options: list[str]) -> str:
        if address.endswith("@refused.test"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        if self.server.delay:
            await asyncio.sleep(self.server.delay)  # a slow server: senders overlap
        with self.server.lock:
            self.server.received.append(Received(
                tuple(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def address(username: str) -> str:
    """The test email address of a demo account."""
    return f"{username}@lkpp.test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd on 127.0.0.1:<port>; `stop()` and `start()` again on the same port."""

    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.login = login  # when set, mail is taken only after AUTH with these
        self._controller: Controller | None = None

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(host="127.0.0.1", port=self.port, sender="eskalasi@lkpp.test",
                            timeout=5)

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.login is not None:
            options = {"authenticator": self._authenticate, "auth_required": True,
                       "auth_require_tls": False}
        self._controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port,
                                      **options)
        self._controller.start()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        wanted = self.login or ("", "")
        given = ((auth_data.login.decode(), auth_data.password.decode())
                 if isinstance(auth_data, LoginPassword) else None)
        return AuthResult(success=given == wanted, handled=False)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [mail for mail in self.received if address in mail.recipients]
