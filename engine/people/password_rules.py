"""What a new password must be: long enough, and not easy to guess (zxcvbn score >= 3).

The user's own username, name and email count as guessable words, so a password built on
them is refused; each refusal says why in words next to the `password` field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import zxcvbn

from engine.messages import Message

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3
# zxcvbn refuses longer input; the first 72 characters of a longer password already tell.
_ZXCVBN_MAX = 72


def _user_inputs(words: Iterable[str | None]) -> list[str]:
    """The user's names split into the pieces people build passwords from."""
    inputs: list[str] = []
    for word in words:
        if not word:
            continue
        inputs.append(word.lower())
        inputs.extend(piece for piece in re.split(r"[\s._@+-]+", word.lower()) if len(piece) > 2)
    return list(dict.fromkeys(inputs))


def _reason(sequence: list[dict[str, object]]) -> Message:
    dictionaries = {match.get("dictionary_name") for match in sequence}
    patterns = {match.get("pattern") for match in sequence}
    if "user_inputs" in dictionaries:
        return Message("guessable_personal")
    if "passwords" in dictionaries:
        return Message("guessable_common")
    if patterns & {"sequence", "repeat", "spatial", "date"}:
        return Message("guessable_pattern")
    return Message("guessable_words")


def password_problems(password: str, personal: Iterable[str | None] = ()) -> list[Message]:
    """Why `password` is refused (empty when it is good enough); `personal` are the user's
    username, name and email."""
    if len(password) < MIN_LENGTH:
        return [Message("password_too_short", limit=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [Message("password_too_long", limit=MAX_LENGTH)]
    if "\x00" in password:
        return [Message("field_nul")]
    result = zxcvbn.zxcvbn(password[:_ZXCVBN_MAX], user_inputs=_user_inputs(personal))
    sequence = list(result["sequence"])
    # zxcvbn rates "Bandung.Pengguna" well (the separator counts as brute force): a password
    # mostly made of the user's own names is refused whatever its score.
    personal_part = sum(len(str(match["token"])) for match in sequence
                        if match.get("dictionary_name") == "user_inputs")
    if personal_part * 2 >= len(password[:_ZXCVBN_MAX]):
        return [Message("password_guessable", reason=Message("guessable_personal"))]
    if int(result["score"]) >= MIN_SCORE:
        return []
    return [Message("password_guessable", reason=_reason(sequence))]
