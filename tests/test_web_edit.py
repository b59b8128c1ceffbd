"""Editing profiles on the web page: located problems, atomic saves, undo, conflicts."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from brochure.editing import previous_path, version_of
from brochure.inputs import builtin_profiles
from brochure.web.app import ServeConfig, create_app

NURSE = next(p for p in builtin_profiles() if p.stem == "registered-nurse")


def _csrf(client: TestClient) -> str:
    client.get("/")
    return str(client.cookies["brochure_csrf"])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    folder = tmp_path / "careers"
    folder.mkdir()
    shutil.copy(NURSE, folder / NURSE.name)
    with TestClient(create_app(ServeConfig(paths=(folder,))), base_url="http://localhost") as c:
        yield c, folder / NURSE.name


def _version(page: str) -> str:
    found = re.search(r'name="version" value="([0-9a-f]*)"', page)
    assert found is not None
    return found.group(1)


def test_a_valid_edit_is_saved_and_the_old_version_kept(served: tuple[TestClient, Path]) -> None:
    client, path = served
    before = path.read_bytes()
    page = client.get("/careers/registered-nurse/edit")
    assert page.status_code == 200
    text = path.read_text().replace("title: Registered Nurse", "title: Registered Nurse (RN)")
    token = _csrf(client)
    saved = client.post(
        f"/careers/registered-nurse?csrf={token}",
        data={"text": text, "version": _version(page.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert path.read_text() == text
    assert previous_path(path).read_bytes() == before
    assert "Registered Nurse (RN)" in client.get("/").text
    undone = client.post(f"/careers/registered-nurse/undo?csrf={token}", follow_redirects=False)
    assert undone.status_code == 303
    assert path.read_bytes() == before


def test_an_invalid_draft_is_kept_and_its_problem_located(served: tuple[TestClient, Path]) -> None:
    client, path = served
    before = path.read_bytes()
    page = client.get("/careers/registered-nurse/edit")
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("duties:")) + 2
    lines[at - 1] = "  - {not: a duty}"
    draft = "\n".join(lines) + "\n"
    token = _csrf(client)
    checked = client.post(
        "/careers/registered-nurse/check", data={"text": draft}, headers={"x-csrf-token": token}
    )
    assert f"line {at}" in checked.text
    assert "duties[" in checked.text
    refused = client.post(
        f"/careers/registered-nurse?csrf={token}",
        data={"text": draft, "version": _version(page.text)},
    )
    assert refused.status_code == 422
    assert "{not: a duty}" in refused.text  # what was typed comes back
    assert f"line {at}" in refused.text
    assert path.read_bytes() == before


def test_two_saves_from_one_version_do_not_lose_text(served: tuple[TestClient, Path]) -> None:
    client, path = served
    version = _version(client.get("/careers/registered-nurse/edit").text)
    token = _csrf(client)
    first = path.read_text().replace("Registered Nurse", "Nurse A", 1)
    second = path.read_text().replace("Registered Nurse", "Nurse B", 1)
    one = client.post(
        f"/careers/registered-nurse?csrf={token}",
        data={"text": first, "version": version},
        follow_redirects=False,
    )
    assert one.status_code == 303
    two = client.post(
        f"/careers/registered-nurse?csrf={token}", data={"text": second, "version": version}
    )
    assert two.status_code == 409
    assert "changed since you opened it" in two.text
    assert "Nurse B" in two.text  # the second person's text is still on their screen
    assert path.read_text() == first


def test_a_built_in_profile_is_copied_never_changed(tmp_path: Path) -> None:
    before = NURSE.read_bytes()
    mine = tmp_path / "mine"
    app = create_app(ServeConfig(save_to=mine))
    with TestClient(app, base_url="http://localhost") as client:
        page = client.get("/careers/registered-nurse/edit")
        assert "never changed" in page.text
        token = _csrf(client)
        text = NURSE.read_text().replace("Registered Nurse", "School Nurse", 1)
        saved = client.post(
            f"/careers/registered-nurse?csrf={token}",
            data={"text": text, "version": _version(page.text)},
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text
        assert "copied=1" in saved.headers["location"]
    assert NURSE.read_bytes() == before
    assert (mine / NURSE.name).read_text() == text


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"text": "x" * (2 * 1024 * 1024)}, 413, "larger than"),
        ({"text": "title: [unclosed"}, 422, "invalid YAML"),
    ],
)
def test_hostile_saves_change_nothing(
    served: tuple[TestClient, Path], body: dict[str, str], status: int, reason: str
) -> None:
    client, path = served
    before = path.read_bytes()
    token = _csrf(client)
    got = client.post(f"/careers/registered-nurse?csrf={token}", data=body)
    assert got.status_code == status
    assert reason in got.text
    assert path.read_bytes() == before
    assert not previous_path(path).exists()


def test_a_save_without_the_csrf_token_changes_nothing(served: tuple[TestClient, Path]) -> None:
    client, path = served
    before = path.read_bytes()
    got = client.post(
        "/careers/registered-nurse", data={"text": "title: X\n", "version": version_of(before)}
    )
    assert got.status_code == 403
    assert path.read_bytes() == before


def test_a_pasted_career_page_becomes_a_new_profile(tmp_path: Path) -> None:
    page = (Path(__file__).parent / "data/pages/electrician-cards.txt").read_text()
    with TestClient(
        create_app(ServeConfig(save_to=tmp_path)), base_url="http://localhost"
    ) as client:
        token = _csrf(client)
        read = client.post(f"/import?csrf={token}", data={"page": page})
        assert read.status_code == 200, read.text
        text = re.search(
            r'<textarea id="text" name="text" rows="28">(.*?)</textarea>', read.text, re.S
        )
        assert text is not None
        yaml_text = html.unescape(text.group(1))
        saved = client.post(
            f"/import/save?csrf={token}", data={"text": yaml_text}, follow_redirects=False
        )
        assert saved.status_code == 303, saved.text
        assert (tmp_path / "electrician.yaml").read_text() == yaml_text
        assert "Electrician" in client.get("/").text
        again = client.post(f"/import/save?csrf={token}", data={"text": yaml_text})
        assert again.status_code == 409
        assert "already has a career 'electrician'" in again.text


def test_text_that_is_no_career_page_is_said_so(served: tuple[TestClient, Path]) -> None:
    client, _ = served
    got = client.post(f"/import?csrf={_csrf(client)}", data={"page": "   \n  "})
    assert got.status_code == 422
    assert "empty" in got.text


def test_a_50_mb_body_is_refused_before_it_is_read(served: tuple[TestClient, Path]) -> None:
    client, path = served
    before = path.read_bytes()
    got = client.post(
        f"/careers/registered-nurse?csrf={_csrf(client)}",
        content=b"text=" + b"x" * (50 * 2**20),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert got.status_code == 413
    assert got.text == "the request is larger than 1024 KiB\n"
    assert path.read_bytes() == before


def test_two_saves_at_the_same_moment_one_wins_one_is_told(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from brochure.editing import EditConflictError, save_profile

    path = tmp_path / NURSE.name
    shutil.copy(NURSE, path)
    version = version_of(path.read_bytes())
    texts = [NURSE.read_text().replace("Registered Nurse", f"Nurse {n}", 1) for n in range(8)]

    def save(text: str) -> str:
        try:
            save_profile(path, text, expected=version)
        except EditConflictError:
            return "conflict"
        return "saved"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(save, texts))
    assert results.count("saved") == 1
    assert results.count("conflict") == 7
    assert path.read_text() == texts[results.index("saved")]


def test_serve_refuses_an_empty_token_beyond_loopback() -> None:
    from click.testing import CliRunner

    from brochure import cli

    result = CliRunner().invoke(cli.cli, ["serve", "--host", "0.0.0.0", "--token", ""])
    assert result.exit_code == 2
    assert "--token cannot be empty" in result.stderr
