"""Small helpers the page views share: rendering with a status, safe redirects, the one
way a list is paged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])
Row = TypeVar("Row")
# A blueprint's route table row: (rule, endpoint, view, methods).
Route = tuple[str, str, Callable[..., Any], tuple[str, ...]]

PER_PAGE = 25
MAX_PAGE = 10_000


def signed_in(view: View) -> View:
    """Only for signed-in users; others are sent to the sign-in form (login_required)."""
    return cast(View, login_required(view))


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A rendered template with its HTTP status."""
    return render_template(template, **context), status


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return default
    return target


def here() -> str:
    """This page's path and query, to come back to (e.g. after switching language)."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def number_arg(name: str, default: int | None = None, *, low: int = 1,
               high: int = MAX_PAGE) -> int | None:
    """A whole number from the query string within [low, high]; `default` otherwise."""
    raw = request.args.get(name, "")
    if not raw.isdecimal():
        return default
    value = int(raw)
    return value if low <= value <= high else default


def paged(fetch: Callable[[int, int], Sequence[Row]],
          filters: Mapping[str, Any] | None = None) -> tuple[list[Row], dict[str, Any]]:
    """The rows of the page asked for (`?halaman=N`, PER_PAGE a page) and the pager's arguments
    (`halaman`, `has_next`, `filters`: the query arguments every page link keeps).

    `fetch(limit, offset)` is asked for one row more than a page holds: whether it comes
    tells whether there is a next page, without counting the whole list.
    """
    number = number_arg("halaman", 1) or 1  # missing or nonsense: the first page
    found = fetch(PER_PAGE + 1, (number - 1) * PER_PAGE)
    return list(found[:PER_PAGE]), {"halaman": number, "has_next": len(found) > PER_PAGE,
                                    "filters": dict(filters or {})}


def add_routes(bp: Blueprint, routes: Iterable[Route]) -> None:
    """Add each (rule, endpoint, view, methods) of a blueprint's route table."""
    for rule, endpoint, view, methods in routes:
        bp.add_url_rule(rule, endpoint, view, methods=list(methods))
