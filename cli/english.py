"""The command line speaks English: the engine's messages through the web UI's catalog.

The engine says what went wrong as a code with parameters (engine/messages.py), its text
the Indonesian default; owners and operators at a terminal read the English the web
pages show (web/translations/en), so `eskalasi validate` prints `FILE:LINE: message` as
before.
"""

from __future__ import annotations

import functools
from importlib.util import find_spec
from pathlib import Path

from babel.support import NullTranslations, Translations

import engine


@functools.cache
def _catalog() -> NullTranslations:
    spec = find_spec("web")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        return NullTranslations()
    return Translations.load(str(Path(folders[0]) / "translations"), ["en"])


def english(text: str) -> str:
    """What the engine said, in English (text that is not a message stays as it is)."""
    return engine.render_message(text, _catalog().gettext)
