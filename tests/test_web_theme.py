"""The theme page: the theme YAML the command line reads, and a logo checked before it is kept."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from brochure.theme import load_theme
from brochure.web.app import ServeConfig, create_app


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#1f3a5f").save(buffer, format="PNG")
    return buffer.getvalue()


def bomb_png(side: int = 100_000) -> bytes:
    """A PNG that declares side x side pixels in a few kilobytes of zeros."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (side + 1) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg">%s</svg>'


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    app = create_app(ServeConfig(save_to=tmp_path))
    with TestClient(app, base_url="http://localhost") as client:
        client.get("/")
        yield client, tmp_path


def _post(client: TestClient, fields: dict[str, str], logo: tuple[str, bytes] | None = None):  # type: ignore[no-untyped-def]
    token = client.cookies["brochure_csrf"]
    files = {"logo": (logo[0], logo[1], "application/octet-stream")} if logo else None
    return client.post(f"/theme?csrf={token}", data=fields, files=files, follow_redirects=False)


def test_the_theme_is_saved_as_the_yaml_the_cli_reads(served: tuple[TestClient, Path]) -> None:
    client, folder = served
    got = _post(
        client,
        {"name": "Lincoln High", "primary": "#7a1f2b", "office": "Counseling, Room 114"},
        ("crest.png", png(120, 120)),
    )
    assert got.status_code == 303, got.text
    theme = load_theme(folder / ".theme" / "theme.yaml")
    assert theme.name == "Lincoln High"
    assert theme.colors.primary == "#7a1f2b"
    assert theme.logo == "logo.png"
    assert theme.contact.office == "Counseling, Room 114"
    pdf = client.get("/careers/registered-nurse.pdf")
    assert pdf.status_code == 200
    assert b"Lincoln High" in pdf.content or "Lincoln High" in _text(pdf.content)


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("logo", "reason"),
    [
        (
            ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            "script",
        ),
        (
            (
                "x.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
            ),
            "reference",
        ),
        (("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'), "event handler"),
        (("bomb.png", bomb_png()), "pixels"),
        (("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 2**20)), "larger than"),
        (("x.gif", b"GIF89a" + b"\0" * 20), "PNG, JPEG or SVG"),
        (("x.png", b"\x89PNG\r\n\x1a\nnot really"), "not a readable image"),
    ],
)
def test_a_hostile_logo_is_refused_and_nothing_written(
    served: tuple[TestClient, Path], logo: tuple[str, bytes], reason: str
) -> None:
    client, folder = served
    got = _post(client, {"name": "Lincoln High"}, logo)
    assert got.status_code in (400, 413)
    assert reason in got.text
    assert got.text.count("\n") <= 1
    assert list(folder.iterdir()) == []


def test_a_bad_colour_is_refused(served: tuple[TestClient, Path]) -> None:
    client, folder = served
    got = _post(client, {"primary": "red; background: url(x)"})
    assert got.status_code == 400
    assert "primary" in got.text
    assert not (folder / ".theme").exists()


def test_the_preview_shows_the_theme_before_it_is_saved(served: tuple[TestClient, Path]) -> None:
    import base64
    import re

    client, folder = served
    token = client.cookies["brochure_csrf"]
    got = client.post(
        "/theme/preview",
        data={"name": "Preview High", "primary": "#7a1f2b"},
        files={"logo": ("crest.png", png(100, 100), "image/png")},
        headers={"x-csrf-token": token},
    )
    assert got.status_code == 200, got.text
    found = re.search(r'src="data:image/png;base64,([^"]+)"', got.text)
    assert found is not None
    image = Image.open(io.BytesIO(base64.b64decode(found.group(1)))).convert("RGB")
    assert (0x7A, 0x1F, 0x2B) in {color for _, color in image.getcolors(1 << 20) or []}
    assert list(folder.iterdir()) == [], "a preview saves nothing"
