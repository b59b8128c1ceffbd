"""Old figures: a render warns, naming the profile and its `as_of`; `--strict` fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from brochure.profile import Profile
from brochure.stale import figures_date, stale_notice, today

DECEMBER_2026 = str(int(datetime(2026, 12, 1, tzinfo=UTC).timestamp()))
PROFILES = Path(__file__).parent.parent / "profiles"


def test_a_month_counts_from_its_last_day() -> None:
    assert figures_date("2024-05") == date(2024, 5, 31)
    assert figures_date("2024-12") == date(2024, 12, 31)
    assert figures_date("2024") == date(2024, 12, 31)
    assert figures_date("2024-02-29") == date(2024, 2, 29)


def test_figures_are_stale_after_the_age_given() -> None:
    profile = Profile(title="Welder", as_of="2024-05")
    assert stale_notice(profile, 2, date(2026, 5, 30)) is None
    late = stale_notice(profile, 2, date(2026, 6, 2))
    assert late is not None
    assert late == (
        "figures as of 2024-05 are more than 2 years old "
        "(brochure refresh updates them; --stale-after sets the age)"
    )
    assert (late.kind, late.field) == ("stale", "as_of")
    assert stale_notice(profile, 0, date(2099, 1, 1)) is None
    assert stale_notice(Profile(title="Welder"), 2, date(2099, 1, 1)) is None
    assert stale_notice(profile, 1, date(2025, 6, 1)) is not None


def test_today_is_source_date_epoch_or_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DECEMBER_2026)
    assert today() == date(2026, 12, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert today() == datetime.now(UTC).date()


def brochure(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": DECEMBER_2026}
    command = [sys.executable, "-m", "brochure", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)


@pytest.mark.slow
def test_the_command_line_names_old_profiles_and_strict_fails(tmp_path: Path) -> None:
    nurse, assistant = PROFILES / "registered-nurse.yaml", PROFILES / "medical-assistant.yaml"
    done = brochure("render", nurse, assistant, "-o", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert (
        "warning: 2 profiles (medical-assistant, registered-nurse): figures as of 2024-05 are "
        "more than 2 years old (brochure refresh updates them; --stale-after sets the age)\n"
    ) in done.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    warnings = [w for entry in manifest["outputs"] for w in entry["warnings"]]
    assert [w["kind"] for w in warnings] == ["stale", "stale"]
    assert {w["field"] for w in warnings} == {"as_of"}

    strict = brochure("render", nurse, "-o", tmp_path / "nurse.pdf", "--strict")
    assert strict.returncode == 1
    assert (
        "registered-nurse.yaml: warnings are errors with --strict: figures as of" in strict.stderr
    )
    assert not (tmp_path / "nurse.pdf").exists()

    later = brochure("render", nurse, "-o", tmp_path / "n.pdf", "--stale-after", "3", "--strict")
    assert later.returncode == 0, later.stderr
    assert "figures as of" not in later.stderr


def test_brochure_yaml_sets_the_age(tmp_path: Path) -> None:
    (tmp_path / "brochure.yaml").write_text("stale_after: 5\n")
    done = brochure("render", PROFILES / "registered-nurse.yaml", "-o", "n.pdf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "figures as of" not in done.stderr
    (tmp_path / "brochure.yaml").write_text("stale_after: old\n")
    done = brochure("render", PROFILES / "registered-nurse.yaml", "-o", "n.pdf", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        f"error: {tmp_path / 'brochure.yaml'}:1: stale_after: expected a number, got text 'old'\n"
    )


@pytest.mark.slow
def test_a_booklet_says_it_once_for_all_its_careers(tmp_path: Path) -> None:
    done = brochure("booklet", PROFILES, "-o", tmp_path / "all.pdf")
    assert done.returncode == 0, done.stderr
    stale = [line for line in done.stderr.splitlines() if "figures as of" in line]
    assert len(stale) == 1
    assert stale[0].startswith("warning: 12 profiles (dental-hygienist, emt-and-paramedic, ")
    assert "and 4 more): figures as of 2024-05 are more than 2 years old" in stale[0]
    # The same booklet again (its parts reused): --strict fails it, and leaves the file alone.
    before = (tmp_path / "all.pdf").stat().st_mtime_ns
    strict = brochure("booklet", PROFILES, "-o", tmp_path / "all.pdf", "--strict")
    assert strict.returncode == 1
    assert "warnings are errors with --strict" in strict.stderr
    assert (tmp_path / "all.pdf").stat().st_mtime_ns == before
    fresh = brochure(
        "booklet", PROFILES / "registered-nurse.yaml", "-o", tmp_path / "strict.pdf", "--strict"
    )
    assert fresh.returncode == 1
    assert not (tmp_path / "strict.pdf").exists()
