"""The only place an expression or script from a diagram is evaluated: the sandbox's public API."""

# Diagrams are edited in a browser, so their Python is untrusted. Code is first checked
# and rewritten by a RestrictedPython policy (policy.py; literal arithmetic in literals.py),
# no imports, no names or attributes starting with "_", no introspection attributes, no
# str.format; then run with a small allowlist of builtins and guards that refuse operations
# whose result would be huge (guards.py, methods.py, limits.py), and a watchdog thread
# stops it after a time limit (watchdog.py).

from engine.sandbox.compiler import check_expression, check_script
from engine.sandbox.environment import SandboxEnvironment, create_script_engine

__all__ = ["SandboxEnvironment", "check_expression", "check_script", "create_script_engine"]
