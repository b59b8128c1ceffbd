"""`brochure refresh`: next year's figures into profiles in place, and nothing else."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from brochure import cli
from brochure.profile import load_profile

from .onet_release import write_bls, write_release

BLS = Path(__file__).parent / "data" / "opendata" / "bls"

# A profile as a counselor's office keeps it: comments everywhere, its own indentation,
# a flow mapping, shorthand pay and a growth word of its own.
HAND_WRITTEN = """\
# Medical assistant: our office's page.  Reviewed by Ms. Ortiz, spring term.
title: Medical Assistant
summary: >-
  Handle both clinical and administrative tasks in physician offices and clinics.
codes: {soc: 31-9092}    # so that `brochure refresh` finds it
as_of: 2024-05

facts:
    # Figures from the Occupational Outlook Handbook page, copied by hand.
    source: BLS Occupational Outlook Handbook, Medical Assistants (2024)
    median_pay: $44,200 per year   # the OOH's "2024 median pay"
    job_growth:
        percent: 12     # "much faster than average" on the OOH
        rating: Excellent
        years: 2024-2034
    education: Postsecondary nondegree award

duties:
- Greet patients and measure vital signs   # no indent, on purpose
- Schedule appointments

sources:
- title: BLS Occupational Outlook Handbook, Medical Assistants
  url: https://www.bls.gov/ooh/healthcare/medical-assistants.htm
  year: 2024

# Keep this profile in the fair's booklet.
"""


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def next_year(folder: Path, count: int = 5) -> tuple[Path, Path]:
    """May 2026 wages and the 2025-35 projections, 10% up, with medical assistants."""
    return write_bls(
        folder, count, year=2026, base=2025, rise=0.1, extra=(("31-9092", "Medical Assistants"),)
    )


def test_a_hand_written_profile_changes_only_in_its_figures_and_dates(tmp_path: Path) -> None:
    profile = tmp_path / "medical-assistant.yaml"
    profile.write_text(HAND_WRITTEN, encoding="utf-8")
    wages, projections = next_year(tmp_path / "bls")
    code, out, err = run("refresh", profile, "--wages", wages, "--projections", projections)
    assert code == 0, err
    after = profile.read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(HAND_WRITTEN.splitlines(), after.splitlines(), n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    pay = load_profile(profile).facts.median_pay
    assert pay is not None
    assert pay.amount == round((30_000 + 5 * 97) * 1.1)
    assert diff == [
        "-as_of: 2024-05",
        "+as_of: 2026-05",
        "-    source: BLS Occupational Outlook Handbook, Medical Assistants (2024)",
        '-    median_pay: $44,200 per year   # the OOH\'s "2024 median pay"',
        "+    source: 'BLS OEWS May 2026; BLS Employment Projections 2025-2035; other facts: "
        "BLS Occupational Outlook Handbook, Medical Assistants (2024); growth words are this "
        "brochure''s, against the average of all jobs'",
        '+    median_pay:   # the OOH\'s "2024 median pay"',
        "+      amount: 33534",
        "+      period: year",
        '-        percent: 12     # "much faster than average" on the OOH',
        "-        rating: Excellent",
        "-        years: 2024-2034",
        '+        percent: 1     # "much faster than average" on the OOH',
        "+        rating: Slower than average",
        "+        years: 2025-2035",
        "+- title: 'BLS OEWS May 2026: 31-9092'",
        "+  url: https://www.bls.gov/oes/current/oes319092.htm",
        "+  publisher: U.S. Bureau of Labor Statistics",
        "+- title: BLS Employment Projections 2025-2035",
        "+  url: https://www.bls.gov/emp/tables/occupational-projections-and-characteristics.htm",
        "+  publisher: U.S. Bureau of Labor Statistics",
    ]
    assert out == (
        f"{profile}: pay $44,200 → $33,534 a year; as of 2024-05 → 2026-05; "
        "growth +12% (2024-2034) → +1% (2025-2035); its word Excellent → Slower than average\n"
    )
    assert "1 profiles refreshed, 0 unchanged" in err
    # A second refresh with the same sheets finds nothing to do and writes nothing.
    code, out, err = run("refresh", profile, "--wages", wages, "--projections", projections)
    assert (code, out) == (0, f"{profile}: up to date\n")
    assert profile.read_text(encoding="utf-8") == after


def test_a_refreshed_import_is_what_importing_next_years_sheets_gives(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db_30_2_text", 5)
    old_wages, old_outlook = write_bls(tmp_path / "2025", 5)
    careers, fresh = tmp_path / "careers", tmp_path / "fresh"
    code, _, err = run(
        "import-onet", release, "-o", careers, "--wages", old_wages, "--projections", old_outlook
    )
    assert code == 0, err
    wages, outlook = next_year(tmp_path / "2026")
    code, out, err = run("refresh", careers, "--wages", wages, "--projections", outlook)
    assert code == 0, err
    assert out.count("as of 2025-05 → 2026-05") == 5
    run("import-onet", release, "-o", fresh, "--wages", wages, "--projections", outlook)
    for path in sorted(fresh.glob("*.yaml")):
        refreshed = load_profile(careers / path.name).model_dump()
        assert refreshed == load_profile(path).model_dump(), path.name


def test_state_pay_comes_in_with_the_state_sheet(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db", 5)
    careers = tmp_path / "careers"
    national = BLS / "national_M2025_dl.csv"
    run("import-onet", release, "-o", careers, "--wages", national)
    developers = careers / "software-developers.yaml"
    assert not load_profile(developers).facts.state_pay
    states = BLS / "state_M2025_dl.csv"
    code, out, err = run("refresh", developers, "--wages", national, "--state-wages", states)
    assert code == 0, err
    assert "pay in 1 states (was 0)" in out
    assert set(load_profile(developers).facts.state_pay) == {"VA"}
    code, out, err = run("render", developers, "--state", "VA", "-o", tmp_path / "d.pdf")
    assert code == 0, err


def test_a_dry_run_says_what_would_change_and_writes_nothing(tmp_path: Path) -> None:
    profile = tmp_path / "medical-assistant.yaml"
    profile.write_text(HAND_WRITTEN, encoding="utf-8")
    wages, _ = next_year(tmp_path / "bls")
    code, out, err = run("refresh", profile, "--wages", wages, "--dry-run")
    assert code == 0, err
    assert "pay $44,200 → $33,534 a year" in out
    assert "1 profiles to refresh, 0 unchanged (dry run: nothing written)" in err
    assert profile.read_text(encoding="utf-8") == HAND_WRITTEN


def test_profiles_without_codes_or_figures_are_left_and_said(tmp_path: Path) -> None:
    (tmp_path / "welder.yaml").write_text("title: Welder\n", encoding="utf-8")
    (tmp_path / "unknown.yaml").write_text("title: X\ncodes: {soc: 99-9999}\n", encoding="utf-8")
    wages, outlook = next_year(tmp_path / "bls")
    code, out, err = run("refresh", tmp_path, "--wages", wages, "--projections", outlook)
    assert code == 0, err
    assert f"{tmp_path / 'welder.yaml'}: up to date; no occupation code (codes.soc)" in out
    assert "99-9999 has no national median in the wages sheet: pay kept" in out
    assert "99-9999 has no growth in the projections sheet: growth kept" in out
    assert (tmp_path / "welder.yaml").read_text(encoding="utf-8") == "title: Welder\n"
    unknown = (tmp_path / "unknown.yaml").read_text(encoding="utf-8")
    assert unknown == "title: X\ncodes: {soc: 99-9999}\n"


def test_one_unreadable_profile_stops_the_refresh_before_any_write(tmp_path: Path) -> None:
    good = tmp_path / "a-medical-assistant.yaml"
    good.write_text(HAND_WRITTEN, encoding="utf-8")
    (tmp_path / "b-broken.yaml").write_text("title: X\nfacts:\n  median_pay: lots\n")
    wages, _ = next_year(tmp_path / "bls")
    code, _out, err = run("refresh", tmp_path, "--wages", wages)
    assert code == 1
    assert f"{tmp_path / 'b-broken.yaml'}:3: facts.median_pay" in err
    assert "nothing written" in err
    assert "Traceback" not in err
    assert good.read_text(encoding="utf-8") == HAND_WRITTEN


def main(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    """The command as a user runs it: errors are one line, never a traceback."""
    with pytest.raises(SystemExit) as exited:
        cli.main([str(a) for a in args])
    return int(exited.value.code or 0), capsys.readouterr().err


def test_refresh_needs_a_sheet_and_real_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = main(capsys, "refresh", tmp_path)
    assert code == 2
    assert "--wages" in err
    wages, _ = next_year(tmp_path / "bls")
    # A built-in profile's name is not a file to change.
    code, err = main(capsys, "refresh", "medical-assistant", "--wages", wages)
    assert code == 1
    assert err == "error: medical-assistant: no such file or folder (refresh changes files)\n"
    code, err = main(capsys, "refresh", tmp_path, "--projections", wages)
    assert code == 1
    assert err.count("\n") == 1
    assert "national_M2026_dl.csv: not Employment Projections" in err


def test_the_built_in_library_refreshes_line_for_line(tmp_path: Path) -> None:
    """Eleven built-in profiles carry their SOC code; refreshed, each changes only in its
    figures' lines, its source line and two added sources. The twelfth, two occupations
    in one, has no code and is left as it was."""
    import shutil

    from brochure.resources import profiles_dir

    library = tmp_path / "library"
    shutil.copytree(profiles_dir(), library)
    codes = {}
    for path in sorted(library.glob("*.yaml")):
        soc = load_profile(path).codes.soc
        if soc is not None:
            codes[soc] = path.stem
    assert len(codes) == 11
    wages, projections = write_bls(
        tmp_path / "bls", 0, year=2026, base=2025, extra=tuple(codes.items())
    )
    before = {path.name: path.read_text(encoding="utf-8") for path in library.glob("*.yaml")}
    code, out, err = run("refresh", library, "--wages", wages, "--projections", projections)
    assert code == 0, err
    assert "11 profiles refreshed, 1 unchanged" in err
    assert "emt-and-paramedic.yaml: up to date; no occupation code" in out
    figures = ("as_of:", "amount:", "percent:", "rating:", "years:", "source:", "period:")
    for name, text in before.items():
        after = (library / name).read_text(encoding="utf-8")
        diff = list(difflib.unified_diff(text.splitlines(), after.splitlines(), n=0))
        removed = [line[1:].strip() for line in diff if line[:1] == "-" and line[:3] != "---"]
        added = [line[1:].strip() for line in diff if line[:1] == "+" and line[:3] != "+++"]
        assert all(line.startswith(figures) for line in removed), (name, removed)
        assert len(added) == len(removed) + 6 or name.startswith("emt"), (name, added)


def test_hostile_profiles_stop_the_refresh_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    folder = tmp_path / "careers"
    folder.mkdir()
    good = folder / "medical-assistant.yaml"
    good.write_text(HAND_WRITTEN, encoding="utf-8")
    (folder / "evil.yaml").symlink_to("/etc/passwd")
    os.mkfifo(folder / "fifo.yaml")
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for name, inner in zip("bcdef", "abcde", strict=True):
        laughs.append(f"{name}: &{name} [" + ", ".join([f"*{inner}"] * 9) + "]")
    (folder / "laughs.yaml").write_text("\n".join([*laughs, "title: X"]) + "\n")
    wages, _ = next_year(tmp_path / "bls")
    code, err = main(capsys, "refresh", folder, "--wages", wages)
    assert code == 1
    lines = err.splitlines()
    assert f"error: {folder / 'evil.yaml'}: is a link to /etc/passwd, outside its folder" in err
    assert f"error: {folder / 'fifo.yaml'}: not a regular file" in lines
    assert any(
        line.startswith(f"error: {folder / 'laughs.yaml'}:") and "aliases expanding" in line
        for line in lines
    )
    assert lines[-1] == "1 profiles to refresh, 0 unchanged, 3 could not be read: nothing written"
    assert good.read_text(encoding="utf-8") == HAND_WRITTEN
