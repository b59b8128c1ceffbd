"""`brochure serve` over HTTP (Starlette's TestClient): pages, brochures, the API, the guards.

The real-browser tests are in test_browser.py; these check what each address answers.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from brochure.catalog import Query, fold, load_catalog
from brochure.inputs import builtin_profiles
from brochure.web.app import ServeConfig, create_app

NURSE = "registered-nurse"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServeConfig()), base_url="http://localhost") as client:
        yield client


def test_the_library_lists_every_career_and_searches_as_you_type(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.text.count('class="card"') == len(builtin_profiles())
    found = client.get("/", params={"q": "nurse"}, headers={"HX-Request": "true"})
    assert found.status_code == 200
    assert "<html" not in found.text  # only the results, swapped in place
    assert "Registered Nurse" in found.text
    assert "Dental Hygienist" not in found.text


def test_search_filters_and_sorts() -> None:
    catalog = load_catalog(builtin_profiles())
    titles = [c.title for c in catalog.search(Query(words="NURSE patients"))]
    assert "Registered Nurse" in titles
    assert all("nurse" in c.text and "patients" in c.text for c in catalog.search(Query("nurse")))
    by_pay = catalog.search(Query(sort="pay"))
    pays = [c.annual_pay for c in by_pay if c.annual_pay is not None]
    assert pays == sorted(pays, reverse=True)
    rich = catalog.search(Query(pay_min=80_000))
    assert rich
    assert all((c.annual_pay or 0) >= 80_000 for c in rich)
    cluster = catalog.clusters[0]
    assert all(c.cluster == cluster for c in catalog.search(Query(cluster=cluster)))
    assert fold("Técnico en Farmacia") == "tecnico en farmacia"


def test_a_career_page_shows_the_brochure_as_it_prints(client: TestClient) -> None:
    page = client.get(f"/careers/{NURSE}")
    assert page.status_code == 200, page.text
    assert f'src="/careers/{NURSE}/page-1.png?' in page.text
    assert "Download PDF" in page.text
    image = client.get(f"/careers/{NURSE}/page-1.png", params={"paper": "letter"})
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_the_pdf_downloads_with_the_chosen_language_and_layout(client: TestClient) -> None:
    got = client.get(f"/careers/{NURSE}.pdf", params={"lang": "es", "layout": "flyer"})
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"] == f'attachment; filename="{NURSE}-flyer.pdf"'
    reader = PdfReader(io.BytesIO(got.content))
    assert len(reader.pages) == 1
    assert "SALARIO" in reader.pages[0].extract_text().upper()


def test_the_api_lists_careers_and_renders_one(client: TestClient) -> None:
    listed = client.get("/api/careers", params={"q": "nurse"}).json()
    assert listed["count"] == len(listed["careers"]) >= 1
    nurse = client.get(f"/api/careers/{NURSE}").json()
    assert nurse["title"] == "Registered Nurse"
    pdf = client.get(nurse["pdf"])
    assert pdf.status_code == 200
    assert PdfReader(io.BytesIO(pdf.content)).metadata.title == "Registered Nurse"
    assert client.get("/api/careers/nobody").json() == {
        "error": "no career 'nobody' in this library"
    }


@pytest.mark.parametrize(
    ("address", "status", "reason"),
    [
        ("/careers/..%2F..%2Fetc%2Fpasswd", 404, "no such page"),
        ("/careers/a..b", 404, "no career"),
        ("/careers/Registered-Nurse", 404, "no career"),
        (f"/careers/{NURSE}?layout=../../tmp", 400, "unknown layout"),
        (f"/careers/{NURSE}?paper=tabloid", 400, "prints on"),
        (f"/careers/{NURSE}?lang=xx", 400, "unknown language"),
        ("/?sort=random", 400, "sort:"),
        ("/?pay_min=lots", 400, "pay_min:"),
        (f"/careers/{NURSE}/page-9.png", 404, "pages"),
    ],
)
def test_bad_requests_get_one_line(
    client: TestClient, address: str, status: int, reason: str
) -> None:
    got = client.get(address)
    assert got.status_code == status
    assert reason in got.text
    assert got.text.count("\n") <= 1


def test_every_response_forbids_other_origins(client: TestClient) -> None:
    got = client.get("/")
    policy = got.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert got.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "[::2]:80"])
def test_a_foreign_host_name_is_refused(client: TestClient, host: str) -> None:
    got = client.get("/", headers={"host": host})
    assert got.status_code == 421
    assert "answers to" in got.text
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200


def test_a_change_without_the_csrf_token_is_refused(client: TestClient) -> None:
    got = client.post("/", data={"q": "x"})
    assert got.status_code == 403
    assert "CSRF" in got.text


def test_beyond_loopback_an_access_token_is_needed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs an access token"):
        create_app(ServeConfig(host="0.0.0.0"))
    app = create_app(ServeConfig(host="0.0.0.0", token="sesame"))
    with TestClient(app, base_url="http://school.example") as client:
        assert client.get("/").status_code == 401
        assert client.get("/api/careers").status_code == 401
        bearer = client.get("/api/careers", headers={"authorization": "Bearer sesame"})
        assert bearer.status_code == 200
        opened = client.get("/?token=sesame&q=nurse", follow_redirects=False)
        assert opened.status_code == 303
        assert opened.headers["location"] == "/?q=nurse"
        assert client.get("/?q=nurse").status_code == 200  # the cookie carries it now
    with TestClient(app, base_url="http://school.example") as script:
        refused = script.post("/booklet/add", data={"slug": "registered-nurse"})
        assert refused.status_code == 401
        # A script with the token needs no CSRF token: no other site can send the header.
        added = script.post(
            "/booklet/add",
            data={"slug": "registered-nurse"},
            headers={"authorization": "Bearer sesame"},
            follow_redirects=False,
        )
        assert added.status_code == 303
        forged = script.post(
            "/booklet/add", data={"slug": "x"}, headers={"authorization": "Bearer wrong"}
        )
        assert forged.status_code == 401


def test_a_layout_of_ones_own_is_offered_beside_the_built_in(tmp_path: Path) -> None:
    from .conftest import TINY_LAYOUT

    app = create_app(ServeConfig(layouts=(TINY_LAYOUT,)))
    with TestClient(app, base_url="http://localhost") as client:
        page = client.get(f"/careers/{NURSE}")
        assert '<option value="tiny"' in page.text
        pdf = client.get(f"/careers/{NURSE}.pdf", params={"layout": "tiny"})
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-disposition"].endswith(f'filename="{NURSE}-tiny.pdf"')


def test_a_state_is_chosen_where_the_profile_has_its_pay(tmp_path: Path) -> None:
    profile = tmp_path / "software-developers.yaml"
    profile.write_text(
        "title: Software Developers\n"
        "facts:\n"
        "  median_pay: {amount: 135980, period: year}\n"
        "  state_pay:\n"
        "    VA: {amount: 136460, period: year}\n"
        "    MD: {amount: 131000, period: year}\n"
    )
    with TestClient(
        create_app(ServeConfig(paths=(tmp_path,))), base_url="http://localhost"
    ) as client:
        page = client.get("/careers/software-developers")
        assert page.status_code == 200, page.text
        assert '<select id="state" name="state">' in page.text
        assert page.text.index(">Maryland<") < page.text.index(">Virginia<")
        got = client.get("/careers/software-developers.pdf", params={"state": "va"})
        assert got.status_code == 200, got.text
        text = " ".join(PdfReader(io.BytesIO(got.content)).pages[0].extract_text().split())
        assert "Median pay in Virginia: $136,460 a year (national: $135,980)" in text
        refused = client.get("/careers/software-developers", params={"state": "ZZ"})
        assert refused.status_code == 400
        assert "state: a US state's postal code" in refused.text
    with TestClient(create_app(ServeConfig()), base_url="http://localhost") as client:
        assert 'id="state"' not in client.get(f"/careers/{NURSE}").text
