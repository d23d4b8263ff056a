"""Tickets: the use cases, the one store every change goes through, access, runtime, timers."""
