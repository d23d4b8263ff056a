"""A small pool of warm evaluator processes: diagram code never runs in the web process.

Each evaluator (worker.py) is a fresh interpreter with hard kernel limits, an empty temporary
working directory and an environment without the app's settings; the parent sends JSON and
gets JSON back. A request that passes its wall-clock limit gets its process killed; a process
that dies (memory, CPU) is dropped; either way the evaluation fails with a SandboxError and a
new process is started when one is next needed. The pool is thread-safe (a process per
concurrent evaluation, up to MAX_PROCESSES, then a queue) and belongs to one OS process: it
is created lazily, and a forked child (gunicorn workers) starts its own.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from engine.errors import SandboxError
from engine.messages import Message

# Processes per pool (each web or background process has its own pool).
MAX_PROCESSES = 4
# Address space of one evaluator: RestrictedPython and the interpreter need about 40 MB.
MEMORY_BYTES = 384 * 1024 * 1024
# Time on top of the evaluation's own limit for moving the data in and out.
GRACE = 0.5
# How long an evaluation may wait for a free process before it is refused.
QUEUE_WAIT = 10.0
# A process is retired after this much CPU time (its CPU limit counts its whole life).
RETIRE_AFTER_CPU = 3000.0
# An answer longer than this is refused (the task data is bounded far below it).
MAX_ANSWER_BYTES = 64 * 1024 * 1024
# How long a new process may take to start.
START_TIMEOUT = 30.0

_WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")


class _Gone(Exception):
    """The evaluator process died or was killed; `message` says why."""


class _Process:
    """One evaluator process and its pipes."""

    def __init__(self, workdir: str) -> None:
        """Start the interpreter and wait for it to say it is ready."""
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MALLOC_ARENA_MAX": "1"}
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-I", "-B", _WORKER, str(MEMORY_BYTES)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=workdir, env=env, close_fds=True, start_new_session=True)
        self.pid = self.proc.pid
        self.owner = os.getpid()
        self.cpu = 0.0
        self._buffer = b""
        try:
            self._read_line(START_TIMEOUT)
        except _Gone:
            self.kill()
            raise

    def call(self, request: bytes, timeout: float) -> dict[str, Any]:
        """Send one request line; its answer, or _Gone (the process is then dead)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(request + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            raise _Gone(self._death()) from None
        answer = json.loads(self._read_line(timeout))
        if not isinstance(answer, dict):
            self.kill()
            raise _Gone("the evaluator answered nonsense")
        self.cpu = float(answer.get("cpu") or 0.0)
        return answer

    def _read_line(self, timeout: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(max(1, int(left * 1000))):
                if time.monotonic() < deadline:
                    continue
                self.kill()
                raise _Gone("timeout")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.kill()
                raise _Gone(self._death())
            self._buffer += chunk
            if len(self._buffer) > MAX_ANSWER_BYTES:
                self.kill()
                raise _Gone("its answer was too large")
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _death(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return "it used more CPU time than the sandbox allows"
        if code == -signal.SIGSEGV or code == 1:
            return "it needed more memory than the sandbox allows"
        return f"the evaluator process ended unexpectedly (exit status {code})"

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.proc.poll() is None

    def kill(self) -> None:
        """Stop the process now and reap it."""
        if self.owner != os.getpid():
            return  # inherited across fork: the parent's, not ours
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def forget(self) -> None:
        """Drop this (inherited) process's pipes in a forked child without touching it."""
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    os.close(stream.fileno())
            except (OSError, ValueError):
                pass
        self.proc.returncode = 0  # so Popen's finalizer leaves it alone


class EvaluatorPool:
    """Warm evaluator processes shared by the threads of one OS process."""

    def __init__(self, size: int = MAX_PROCESSES) -> None:
        """An empty pool; processes start on demand."""
        self.size = size
        self.owner = os.getpid()
        self.workdir = tempfile.mkdtemp(prefix="eskalasi-sandbox-")
        self._idle: list[_Process] = []
        self._count = 0
        self._cond = threading.Condition()
        self.started = 0  # how many processes this pool has started (tests, bench)

    def evaluate(self, request: dict[str, Any], time_limit: float) -> Any:
        """Run one request in an evaluator; its value, or a SandboxError."""
        try:
            line = json.dumps({**request, "time_limit": time_limit}, allow_nan=False,
                              separators=(",", ":")).encode()
        except (TypeError, ValueError, RecursionError) as err:
            raise SandboxError(f"the task data cannot be handed to the sandbox: {err}") from None
        process = self._acquire()
        try:
            answer = process.call(line, time_limit + GRACE)
        except _Gone as gone:
            self._drop(process)
            reason = str(gone)
            if reason == "timeout":
                reason = f"it ran longer than the {time_limit:g} s time limit"
            raise SandboxError(f"stopped: {reason}") from None
        except BaseException:
            process.kill()
            self._drop(process)
            raise
        self._release(process)
        if not answer.get("ok"):
            raise SandboxError(_message(answer))
        return answer.get("value")

    def _acquire(self) -> _Process:
        deadline = time.monotonic() + QUEUE_WAIT
        with self._cond:
            while not self._idle and self._count >= self.size:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SandboxError("the sandbox is busy: try again in a moment")
                self._cond.wait(left)
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            process = _Process(self.workdir)
        except (OSError, _Gone) as err:
            self._drop(None)
            raise SandboxError(f"the sandbox could not start: {err}") from None
        with self._cond:
            self.started += 1
        return process

    def _release(self, process: _Process) -> None:
        if process.cpu > RETIRE_AFTER_CPU or not process.alive():
            process.kill()
            self._drop(process)
            return
        with self._cond:
            self._idle.append(process)
            self._cond.notify()

    def _drop(self, _process: _Process | None) -> None:
        with self._cond:
            self._count -= 1
            self._cond.notify()

    def close(self) -> None:
        """Stop every idle process (busy ones end when their pipes close) and the folder."""
        if self.owner != os.getpid():
            return
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for process in idle:
            process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def forget(self) -> None:
        """In a forked child: drop the parent's processes without touching them."""
        for process in self._idle:
            process.forget()
        self._idle = []


def _decode(encoded: dict[str, Any]) -> Message:
    params = {key: _decode(value) if isinstance(value, dict) and "code" in value else value
              for key, value in (encoded.get("params") or {}).items()}
    return Message(str(encoded["code"]), **params)


def _message(answer: dict[str, Any]) -> str:
    """The refusal an evaluator answered: its Message when it sent one, else its text."""
    encoded = answer.get("message")
    if isinstance(encoded, dict):
        try:
            return _decode(encoded)
        except (KeyError, TypeError, ValueError):
            pass
    return str(answer.get("error") or "the sandbox refused it")


_POOL: EvaluatorPool | None = None
_POOL_LOCK = threading.Lock()


def get_pool() -> EvaluatorPool:
    """This OS process's pool, created on first use (after any fork)."""
    global _POOL
    pool = _POOL
    if pool is not None and pool.owner == os.getpid():
        return pool
    with _POOL_LOCK:
        if _POOL is None or _POOL.owner != os.getpid():
            _POOL = EvaluatorPool()
        return _POOL


def _after_fork_in_child() -> None:
    global _POOL, _POOL_LOCK
    _POOL_LOCK = threading.Lock()
    if _POOL is not None:
        _POOL.forget()
        _POOL = None


def _at_exit() -> None:
    if _POOL is not None:
        _POOL.close()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_at_exit)
