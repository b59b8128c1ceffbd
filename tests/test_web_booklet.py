"""The booklet builder on the web page: picks that survive a reload, order, the PDF."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from brochure.web.app import ServeConfig, create_app

PICKED = ["registered-nurse", "dental-hygienist", "pharmacy-technician"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServeConfig()), base_url="http://localhost") as client:
        client.get("/")
        yield client


def _csrf(client: TestClient) -> str:
    return str(client.cookies["brochure_csrf"])


def _outline(pdf: bytes) -> list[str]:
    return [item.title for item in PdfReader(io.BytesIO(pdf)).outline if not isinstance(item, list)]


@pytest.mark.slow
def test_picked_careers_make_a_booklet_in_their_order(client: TestClient) -> None:
    token = _csrf(client)
    for slug in PICKED:
        added = client.post(f"/booklet/add?csrf={token}", data={"slug": slug})
        assert added.status_code == 200  # followed to the booklet page
    page = client.get("/booklet")
    assert page.text.index("Registered Nurse") < page.text.index("Dental Hygienist")
    client.post(f"/booklet/change?csrf={token}", data={"slug": "dental-hygienist", "action": "up"})
    client.post(
        f"/booklet/change?csrf={token}", data={"slug": "pharmacy-technician", "action": "remove"}
    )
    again = client.get("/booklet")  # a reload keeps the picks
    assert again.text.index("Dental Hygienist") < again.text.index("Registered Nurse")
    assert "Pharmacy Technician" not in again.text
    built = client.post(
        f"/booklet/build?csrf={token}", data={"title": "Spring Fair", "paper": "letter"}
    )
    assert built.status_code == 200, built.text
    assert "Ready:" in built.text
    pdf = client.get("/booklet.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert reader.metadata.title == "Spring Fair"
    titles = [t for t in _outline(pdf.content) if t in ("Dental Hygienist", "Registered Nurse")]
    assert titles == ["Dental Hygienist", "Registered Nurse"]


@pytest.mark.slow
def test_the_api_builds_a_booklet(client: TestClient) -> None:
    got = client.post(
        "/api/booklets",
        content=json.dumps({"careers": PICKED[:2], "title": "Two"}),
        headers={"x-csrf-token": _csrf(client)},
    )
    assert got.status_code == 200, got.text
    assert PdfReader(io.BytesIO(got.content)).metadata.title == "Two"


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"careers": ["registered-nurse"] * 10_000}, 400, "at most 400"),
        ({"careers": [f"career-{n}" for n in range(10_000)]}, 400, "at most 400"),
        ({"careers": ["../../etc/passwd"]}, 404, "no career"),
        ({"careers": "registered-nurse"}, 400, "a list of career slugs"),
        ({"careers": ["registered-nurse"], "paper": "tabloid"}, 400, "paper:"),
    ],
)
def test_hostile_booklets_are_refused(
    client: TestClient, body: dict[str, object], status: int, reason: str
) -> None:
    got = client.post(
        "/api/booklets", content=json.dumps(body), headers={"x-csrf-token": _csrf(client)}
    )
    assert got.status_code == status
    assert reason in got.json()["error"]


def test_a_redirect_never_leaves_the_site(client: TestClient) -> None:
    got = client.post(
        f"/booklet/add?csrf={_csrf(client)}&next=//evil.example/x",
        data={"slug": "registered-nurse"},
        follow_redirects=False,
    )
    assert got.status_code == 303
    assert got.headers["location"] == "/booklet"
