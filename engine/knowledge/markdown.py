"""Markdown rendered safely: a small subset, with everything escaped first.

Paragraphs, headings (#, ##, ###), lists (- or * and 1.), fenced code blocks, `code`,
**bold**, *italic* and [links](https://...) with http(s) addresses only. The text is HTML-
escaped before any markup is made, so no raw HTML ever passes; a link to any other scheme
(javascript:, data:) stays plain text.
"""

from __future__ import annotations

import html
import re

_LINK = re.compile(r"\[([^\]\n]{1,300})\]\((https?://[^\s()<>\"']{1,1000})\)")
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,4}[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def _inline(escaped: str) -> str:
    """Inline markup on already escaped text; code spans keep their content as is."""
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE.sub(keep, escaped)
    text = _LINK.sub(lambda m: f'<a href="{m.group(2)}" rel="nofollow noopener">'
                               f"{m.group(1)}</a>", text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], text)


def _block(lines: list[str]) -> str:
    if all(_BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_BULLET.match(line).group(1))}</li>"  # type: ignore[union-attr]
                        for line in lines)
        return f"<ul>{items}</ul>"
    if all(_NUMBERED.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_NUMBERED.match(line).group(1))}</li>"  # type: ignore[union-attr]
                        for line in lines)
        return f"<ol>{items}</ol>"
    heading = _HEADING.match(lines[0])
    if heading and len(lines) == 1:
        level = len(heading.group(1)) + 2  # the page's own title is h1, sections h2
        return f"<h{level}>{_inline(heading.group(2))}</h{level}>"
    return "<p>" + "<br>".join(_inline(line) for line in lines) + "</p>"


def render(text: str) -> str:
    """The HTML of an article's Markdown body (safe: see the module's docstring)."""
    escaped = html.escape(text.replace("\x00", "").replace("\r\n", "\n"), quote=True)
    out: list[str] = []
    block: list[str] = []
    code: list[str] | None = None
    for line in escaped.split("\n"):
        if line.strip().startswith("```"):
            if code is None:
                if block:
                    out.append(_block(block))
                    block = []
                code = []
            else:
                out.append("<pre><code>" + "\n".join(code) + "</code></pre>")
                code = None
        elif code is not None:
            code.append(line)
        elif not line.strip():
            if block:
                out.append(_block(block))
                block = []
        else:
            block.append(line.rstrip())
    if code is not None:
        out.append("<pre><code>" + "\n".join(code) + "</code></pre>")
    if block:
        out.append(_block(block))
    return "\n".join(out)
