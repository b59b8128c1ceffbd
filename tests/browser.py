"""A real browser for the web tests: Debian's chromium driven by Playwright, an ASGI app
served on loopback, and axe-core's accessibility check.

The fixtures `browser` and `page` (and `outside_the_browser`, which keeps Playwright's
event loop out of the other tests) are registered from conftest.py as a plugin. Playwright
and uvicorn are imported where they are used, so the tests that use no browser (the fast
tier among them) do not pay for them. The browser is required, never skipped:
`make test` installs it (scripts/check-system.sh test).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize
    from starlette.types import ASGIApp

TESTS = Path(__file__).parent
AXE = TESTS / "vendor" / "axe.min.js"
# Screenshots and other files a person may look at after a run; git-ignored.
ARTIFACTS = TESTS / "artifacts"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# As root in a container Chromium's sandbox cannot start (no user namespaces), and the
# container's /dev/shm may be too small for its shared memory.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-dev-shm-usage")
SERIOUS = ("serious", "critical")
BROWSER_FIXTURES = frozenset({"browser", "page"})
# The event loop of this process's Playwright, once the `browser` fixture has started it.
_playwright_loop: list[asyncio.AbstractEventLoop] = []


def chromium_path() -> str:
    """Debian's chromium, which Playwright launches by path (its own browser download is
    not used). Missing, the test fails and says how to install it: the browser tests are
    part of the suite, so they never skip."""
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return str(DEBIAN_CHROMIUM)
    found = shutil.which("chromium")
    if found:
        return found
    pytest.fail(
        "the browser tests need Chromium and no `chromium` command was found; `make test` "
        "installs it, or run: sh scripts/check-system.sh test (Debian package chromium)",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the test process (each pytest-xdist worker is a process,
    so each launches its own)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        _playwright_loop.append(asyncio.get_running_loop())  # see outside_the_browser
        try:
            launched = playwright.chromium.launch(
                executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
            )
            try:
                yield launched
            finally:
                launched.close()
        finally:
            _playwright_loop.clear()


@pytest.fixture(autouse=True)
def outside_the_browser(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests that use no browser get a thread without Playwright's event loop.

    Between calls, Playwright's sync API leaves its loop marked as running in this
    thread, for as long as the session's browser lives; asyncio.run() (anyio.run, a
    server started in the test) would then fail in every later test of the process,
    depending on which tests pytest-xdist gave it. The mark is lifted for such a test
    and put back after it, so Playwright finds its loop as it left it.
    """
    running = asyncio._get_running_loop()
    if running is None or running not in _playwright_loop:
        yield
        return
    if BROWSER_FIXTURES & set(request.fixturenames):  # direct or through other fixtures
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(running)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context (no cookies or storage from other tests) that keeps
    downloads, so a test can read the PDF a click produced."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextmanager
def serve_app(app: ASGIApp, *, start_seconds: float = 15.0) -> Iterator[str]:
    """Serve `app` with uvicorn in a background thread on a free loopback port; yields the
    base URL (`http://127.0.0.1:PORT`, no trailing slash) and stops the server on exit.

    Port 0 lets the system choose, so xdist workers never collide. The app's lifespan is
    run ("on"), so an app that fails to start fails the test instead of serving errors.
    """
    import uvicorn

    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="serve_app", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_seconds
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(5)
            raise RuntimeError(f"uvicorn did not start within {start_seconds} s (see its log)")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        if thread.is_alive():  # connections that would not close: stop without waiting
            server.force_exit = True
            thread.join(5)
        assert not thread.is_alive(), "uvicorn did not stop"


def axe_violations(page: Page, impacts: Sequence[str] = SERIOUS) -> list[dict[str, Any]]:
    """axe-core's violations of these impacts on the page as it is now (its top document;
    rules that need a person's review, axe's "incomplete", are not returned).

    axe is injected with DevTools' Runtime.evaluate, which the page's
    Content-Security-Policy does not govern. A <script> tag, as Playwright's
    add_script_tag makes, is blocked by a strict policy such as `script-src 'self'`;
    and a context with bypass_csp=True would switch the policy off for the whole page,
    hiding what it blocks. This way the page is checked with its real policy in force.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        session = page.context.new_cdp_session(page)
        try:
            reply = session.send("Runtime.evaluate", {"expression": AXE.read_text()})
        finally:
            session.detach()
        if "exceptionDetails" in reply:
            raise RuntimeError(f"axe-core did not load: {reply['exceptionDetails']}")
    results: dict[str, Any] = page.evaluate(
        "options => window.axe.run(document, options)", {"resultTypes": ["violations"]}
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def axe_summary(violations: Sequence[dict[str, Any]]) -> list[str]:
    """One line a violation (rule, impact, help and the first offending element), for an
    assertion message shorter than axe's whole report."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']}; {len(v['nodes'])} element(s), first: "
        f"{v['nodes'][0]['html'] if v['nodes'] else '?'}"
        for v in violations
    ]


def screenshot(page: Page, name: str) -> Path:
    """The whole page as tests/artifacts/NAME.png, to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
