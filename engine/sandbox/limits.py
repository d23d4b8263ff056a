"""How big one sandboxed operation's result may get, and the refusal when it would be bigger."""

from __future__ import annotations

from typing import NoReturn

from engine.errors import SandboxError

# One operation may not produce more than this many items, characters or bytes:
# C-level work (str * n, join, padding) cannot be interrupted, so it is bounded up front.
MAX_ITEMS = 100_000
# Integers stay below this many bits (about 30 000 digits), so * and ** stay fast.
MAX_INT_BITS = 100_000
# Widths and precisions in format specs; "{:>1000000000}" would allocate a gigabyte.
MAX_FORMAT_WIDTH = 1_000

# The types whose size MAX_ITEMS bounds.
SEQUENCES = (str, bytes, list, tuple)


def refuse(message: str) -> NoReturn:
    """Stop the sandboxed code with a SandboxError saying why."""
    raise SandboxError(message)


def check_items(count: int, what: str) -> None:
    """Refuse `what` if it would produce more than MAX_ITEMS items."""
    if count > MAX_ITEMS:
        refuse(f"{what} would produce more than {MAX_ITEMS:,} items or characters")


def check_bits(bits: int, what: str) -> None:
    """Refuse `what` if it would produce an integer of more than MAX_INT_BITS bits."""
    if bits > MAX_INT_BITS:
        refuse(f"{what} would produce a number of more than {MAX_INT_BITS:,} bits")


def too_wide(digits: str) -> bool:
    """Whether a format width or precision written as `digits` is over MAX_FORMAT_WIDTH."""
    # Compare the length first: int() of a very long digit string is itself refused.
    digits = digits.lstrip("0")
    return len(digits) > 6 or int(digits or "0") > MAX_FORMAT_WIDTH
