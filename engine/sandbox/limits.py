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

# A script may leave at most this many characters (as printed) in the task data, which is
# stored with the ticket at every step.
MAX_DATA = 1_000_000

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


def size_of(value: object, limit: int) -> int:
    """About how many characters `value` prints as, counted until past `limit`.

    Shared references count each time they are reached (they print each time), so
    `[x] * n` weighs n times x; counting stops past `limit`, so cycles end too.
    """
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes | bytearray):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        else:
            total += 8
    return total


def check_size(value: object, what: str, limit: int = MAX_ITEMS) -> None:
    """Refuse `what` if `value` would print as more than `limit` characters."""
    if size_of(value, limit) > limit:
        refuse(f"{what} would produce more than {limit:,} characters")
