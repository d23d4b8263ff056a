"""Browser tests: the real app on a live server, driven by Debian's Chromium (Playwright).

Without /usr/bin/chromium the tests are skipped, except with ESKALASI_REQUIRE_BROWSER=1
(CI), where a missing browser, or any skipped browser test, is a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

from tests.e2e.people import ROOT, People

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
VIEWER = ROOT / "web/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js"
REQUIRE_BROWSER = os.environ.get("ESKALASI_REQUIRE_BROWSER") == "1"


def unavailable(reason: str) -> None:
    """Skip the browser tests, or fail them when CI requires the browser."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (ESKALASI_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is a browser test, marked or not: `-m "not e2e"` (the
    PostgreSQL pass) leaves them all out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
        item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport,
                                                                     pytest.TestReport]:
    """With ESKALASI_REQUIRE_BROWSER=1 a skipped browser test, for any reason, fails."""
    report = yield
    if REQUIRE_BROWSER and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but ESKALASI_REQUIRE_BROWSER=1: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; each person gets a new context."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)")
    if not VIEWER.exists():
        unavailable(f"{VIEWER.relative_to(ROOT)} missing: run scripts/setup (needs npm)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app (CSRF on, as in production) served on a free local port; its base URL."""
    # Static files do not change during a test: let the browser cache them, as it would
    # behind a production web server, instead of revalidating six of them on every page.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def people(browser: Browser, live_server: str) -> Iterator[People]:
    """Signs demo users in, each in their own browser context."""
    found = People(browser, live_server)
    yield found
    found.close()
