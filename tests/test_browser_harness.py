"""The browser harness (tests/browser.py) on a tiny app: the web tests lean on each part of
it, so each part is shown to work here first. Typing, clicking, a download and the axe
check happen in Debian's chromium, under a strict Content-Security-Policy like the one the
web application sends."""

from __future__ import annotations

import io
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import browser as harness
from .browser import axe_summary, axe_violations, screenshot, serve_app

pytestmark = pytest.mark.slow

# No inline script, no script from elsewhere: what a careful web application sends.
POLICY = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'"
TITLE = "Harness check"

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Harness</title>
<script src="/static/greet.js" defer></script></head>
<body><main>
<h1>Harness</h1>
<form id="greet">
  <label for="name">Your name</label>
  <input id="name" name="name" type="text" autocomplete="name">
  <button type="button" id="greet-button">Greet</button>
</form>
<p id="greeting" aria-live="polite">Nobody greeted yet</p>
<p><a href="/harness.pdf">Download the PDF</a></p>
</main></body>
</html>
"""

GREET_JS = """document.getElementById("greet-button").addEventListener("click", () => {
  const name = document.getElementById("name").value;
  document.getElementById("greeting").textContent = `Hello, ${name}!`;
});
"""

# A field nobody labelled: axe must report it (rule "label", critical), which shows the
# check really ran rather than returned nothing.
UNLABELLED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unlabelled</title></head>
<body><main><h1>Unlabelled</h1><input type="text"></main></body></html>
"""


class StrictPolicy:
    """Adds the Content-Security-Policy header to every response, static files too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    *message.get("headers", []),
                    (b"content-security-policy", POLICY.encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)


def tiny_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=100)
    writer.add_metadata({"/Title": TITLE})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def harness_app(static: Path) -> Starlette:
    (static / "greet.js").write_text(GREET_JS)

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(PAGE)

    async def unlabelled(request: Request) -> HTMLResponse:
        return HTMLResponse(UNLABELLED)

    async def pdf(request: Request) -> Response:
        return Response(
            tiny_pdf(),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="harness.pdf"'},
        )

    return Starlette(
        routes=[
            Route("/", home),
            Route("/unlabelled", unlabelled),
            Route("/harness.pdf", pdf),
            Mount("/static", StaticFiles(directory=static), name="static"),
        ],
        middleware=[Middleware(StrictPolicy)],
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_app(harness_app(tmp_path_factory.mktemp("static"))) as base_url:
        yield base_url


def test_typing_and_a_click_change_the_page_and_a_screenshot_is_kept(page: Page, site: str) -> None:
    page.goto(site)
    expect(page.locator("#greeting")).to_have_text("Nobody greeted yet")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Greet").click()
    expect(page.locator("#greeting")).to_have_text("Hello, Ada!")
    path = screenshot(page, "browser-harness")
    assert path.stat().st_size > 0
    with Image.open(path) as image:
        assert (image.format, image.width) == ("PNG", 1280)


def test_a_download_is_kept_and_reads_as_a_pdf(page: Page, site: str) -> None:
    page.goto(site)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename == "harness.pdf"
    reader = PdfReader(download.path())
    assert len(reader.pages) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == TITLE


def test_axe_runs_under_the_policy_that_blocks_inline_scripts(page: Page, site: str) -> None:
    page.goto(site)
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.inlineRan = true"; document.head.append(s); }"""
    )
    assert page.evaluate("() => window.inlineRan") is None, "the policy is in force"
    violations = axe_violations(page)
    assert violations == [], axe_summary(violations)


def test_axe_reports_a_field_without_a_label(page: Page, site: str) -> None:
    page.goto(f"{site}/unlabelled")
    found = {v["id"]: v["impact"] for v in axe_violations(page)}
    assert found.get("label") == "critical", found


def read(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as reply:
        body: bytes = reply.read()
    return body


def test_the_server_stops_when_the_block_ends(tmp_path: Path) -> None:
    with serve_app(harness_app(tmp_path)) as base_url:
        assert read(f"{base_url}/harness.pdf").startswith(b"%PDF-")
    with pytest.raises(urllib.error.URLError):
        read(base_url)


def test_without_chromium_a_browser_test_fails_and_names_the_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails, never skips: a suite that skips its browser tests would pass untested."""
    monkeypatch.setattr(harness, "DEBIAN_CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match=r"make test.*sh scripts/check-system.sh test"):
        harness.chromium_path()


# In one process, in this order: what pytest-xdist may give a worker.
INTERLEAVED = """
import asyncio


def test_in_the_browser(page):
    page.goto("data:text/html,<title>one</title>")
    assert page.title() == "one"


def test_asyncio_after_the_browser():
    assert asyncio.run(asyncio.sleep(0, "ran")) == "ran"


def test_in_the_browser_again(page):
    page.goto("data:text/html,<title>two</title>")
    assert page.title() == "two"
"""


def test_a_test_after_a_browser_test_can_run_asyncio(tmp_path: Path) -> None:
    """Playwright's sync API leaves its loop marked as running between calls; the
    harness lifts the mark for tests that use no browser, and puts it back."""
    tests = tmp_path / "test_interleaved.py"
    tests.write_text(INTERLEAVED)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.browser", "-W", "error", "-q", str(tests)],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
