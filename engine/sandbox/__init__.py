"""The only place an expression or script from a diagram is evaluated: the sandbox's public API."""

# Diagrams are edited in a browser, so their Python is untrusted. Code is first checked
# and rewritten by a RestrictedPython policy (policy.py; literal arithmetic in literals.py),
# no imports, no names or attributes starting with "_", no introspection attributes, no
# str.format; then run with a small allowlist of builtins and guards that refuse operations
# whose result would be huge (guards.py, methods.py, limits.py), and a watchdog thread
# stops a Python loop at its time limit (watchdog.py). All of that runs in a separate
# evaluator process (pool.py starts them, worker.py is one), never in the web or background
# process: the kernel limits its memory and CPU time, it cannot write files or start
# processes, and the parent kills it at the wall-clock limit, which holds even when C code
# runs with the GIL held. Only JSON crosses: the task data in, the value or new data out.

from engine.sandbox.compiler import check_expression, check_script
from engine.sandbox.deadline import ChecksTimedOut, checks_until
from engine.sandbox.environment import SandboxEnvironment, create_script_engine

__all__ = ["ChecksTimedOut", "SandboxEnvironment", "check_expression", "check_script",
           "checks_until", "create_script_engine"]
