"""How big one sandboxed operation's result may get, and the refusal when it would be bigger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NoReturn

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


def _leaf_size(item: object) -> int | None:
    """How many characters a scalar prints as; None for a container."""
    if isinstance(item, str | bytes | bytearray):
        return len(item) + 2
    if isinstance(item, dict | list | tuple | set | frozenset):
        return None
    if isinstance(item, int):
        return item.bit_length() // 3 + 1
    return 8


def _flat_size(item: Any) -> int | None:
    """The size of a list or tuple of only integers or only strings, counted at C speed."""
    if not isinstance(item, list | tuple):
        return None
    kinds = set(map(type, item))
    if kinds <= {int, bool}:
        return 2 + 3 * len(item) + sum(map(int.bit_length, item)) // 3
    if kinds <= {str}:
        return 2 + 4 * len(item) + sum(map(len, item))
    return None


def _children(item: Any) -> Iterator[object]:
    if isinstance(item, dict):
        for key, value in item.items():
            yield key
            yield value
    else:
        yield from item


def size_of(value: object, limit: int) -> int:
    """About how many characters `value` prints as, counted until past `limit`.

    Shared references count each time they are reached (they print each time), so
    `[x] * n` weighs n times x; but each container is walked once, its size remembered, so
    `((0,) * 99999,) * 10` costs 100 000 steps, not a million. Counting stops past `limit`;
    a cycle counts as past it.
    """
    leaf = _leaf_size(value)
    if leaf is not None:
        return leaf
    done: dict[int, int] = {}  # id -> size of a container walked (all are alive in `value`)
    on_path = {id(value)}
    frames: list[list[Any]] = [[value, _children(value), 2 + 2 * len(value)]]  # type: ignore[arg-type]
    running: int = frames[0][2]
    while running <= limit:
        frame = frames[-1]
        child = next(frame[1], frames)  # `frames` marks the end
        if child is frames:
            frames.pop()
            on_path.discard(id(frame[0]))
            done[id(frame[0])] = frame[2]
            if not frames:
                return int(frame[2])
            frames[-1][2] += frame[2]
            continue
        size = _leaf_size(child)
        if size is None:
            size = done.get(id(child))
        if size is None:
            size = _flat_size(child)
            if size is not None:
                done[id(child)] = size
        if size is not None:
            frame[2] += size
            running += size
            continue
        if id(child) in on_path:
            return limit + 1  # a cycle: printing it is refused like a huge value
        own = 2 + 2 * len(child)
        on_path.add(id(child))
        frames.append([child, _children(child), own])
        running += own
    return running


def check_size(value: object, what: str, limit: int = MAX_ITEMS) -> None:
    """Refuse `what` if `value` would print as more than `limit` characters."""
    if size_of(value, limit) > limit:
        refuse(f"{what} would produce more than {limit:,} characters")
