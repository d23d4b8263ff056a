"""The time limit: one watchdog thread that stops sandboxed calls running past their deadline."""

from __future__ import annotations

import ctypes
import math
import os
import threading
import time
from dataclasses import dataclass


class Stop(BaseException):
    """Raised inside sandboxed code when its time is up; BaseException so it is not caught."""


# PyThreadState_SetAsyncExc raises an exception in another thread at its next bytecode
# boundary. A sys.settrace tracer cannot do this job: on 3.11 `while True: pass` produces
# no line events, and a tracer that raises is switched off, so a caught stop would leave
# the loop running untraced.
_send_async = ctypes.pythonapi["PyThreadState_SetAsyncExc"]
_send_async.argtypes = (ctypes.c_ulong, ctypes.py_object)
_send_async.restype = ctypes.c_int
_clear_async = ctypes.pythonapi["PyThreadState_SetAsyncExc"]
_clear_async.argtypes = (ctypes.c_ulong, ctypes.c_void_p)
_clear_async.restype = ctypes.c_int


@dataclass(eq=False)
class _Call:
    """One sandboxed evaluation in progress."""

    thread_id: int
    deadline: float
    fired: bool = False


class _Watchdog:
    """One daemon thread that stops sandboxed calls still running at their deadline."""

    def __init__(self) -> None:
        """Idle until the first call."""
        self.reset()

    def reset(self) -> None:
        """Forget all calls and the thread (also in a forked child, where it is gone)."""
        self._cond = threading.Condition(threading.Lock())
        self._calls: set[_Call] = set()
        self._thread: threading.Thread | None = None
        self._wake_at = math.inf

    def begin(self, time_limit: float) -> _Call:
        """Register a call on this thread that must end within `time_limit` seconds."""
        call = _Call(threading.get_ident(), time.monotonic() + time_limit)
        with self._cond:
            self._calls.add(call)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="sandbox-watchdog",
                                                daemon=True)
                self._thread.start()
            elif call.deadline < self._wake_at:
                self._cond.notify()
        return call

    def end(self, call: _Call) -> None:
        """Unregister `call`, withdrawing its stop if it was sent but not yet raised."""
        with self._cond:
            if call not in self._calls:
                return
            self._calls.remove(call)
            if call.fired:
                _clear_async(call.thread_id, None)
                # An enclosing sandboxed call on this thread that is also out of time
                # must still be stopped.
                if any(c.fired and c.thread_id == call.thread_id for c in self._calls):
                    _send_async(call.thread_id, Stop)

    def _watch(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                self._wake_at = math.inf
                for call in self._calls:
                    if call.fired:
                        continue
                    if call.deadline <= now:
                        call.fired = True
                        _send_async(call.thread_id, Stop)
                    else:
                        self._wake_at = min(self._wake_at, call.deadline)
                self._cond.wait(None if self._wake_at == math.inf else self._wake_at - now)


WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=WATCHDOG.reset)
