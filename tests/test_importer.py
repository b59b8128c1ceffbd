"""brochure import: career pages in, profiles out, nothing dropped on the way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from brochure import cli, load_profile, pipeline
from brochure.importer import parse_page

from .conftest import BUILTIN_PROFILES, DATA

SEED = (DATA / "seeds" / "medical-billing-and-coding-specialist.txt").read_text()
BUILTIN_SEED = next(
    p for p in BUILTIN_PROFILES if p.stem == "medical-billing-and-coding-specialist"
)


def norm(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


def page_lines(text: str) -> list[str]:
    return [line.strip() for line in text.lstrip("\ufeff").splitlines() if line.strip()]


def import_text(
    tmp_path: Path, text: str, name: str = "page.txt", *args: str
) -> tuple[int, str, Path]:
    page = tmp_path / name
    page.write_bytes(text.encode() if isinstance(text, str) else text)
    out = tmp_path / "profiles"
    result = CliRunner().invoke(cli.cli, ["import", str(page), "-o", str(out), *args])
    return result.exit_code, result.stderr, out


def test_seed_page_gives_the_builtin_profile(tmp_path: Path) -> None:
    code, err, out = import_text(tmp_path, SEED, "seed.txt")
    assert code == 0, err
    assert err.strip().endswith("65 lines mapped, 0 warnings")
    imported = load_profile(out / "medical-billing-and-coding-specialist.yaml")
    builtin = load_profile(BUILTIN_SEED)
    for name in ("slug", "title", "summary", "work_settings", "duties", "certifications"):
        assert getattr(imported, name) == getattr(builtin, name), name
    assert imported.continuing_education == " ".join(str(builtin.continuing_education).split())
    assert imported.facts.median_pay == builtin.facts.median_pay
    assert imported.facts.job_growth is not None
    assert builtin.facts.job_growth is not None
    assert imported.facts.job_growth.percent == builtin.facts.job_growth.percent
    assert imported.facts.job_growth.rating == builtin.facts.job_growth.rating
    assert imported.facts.education == builtin.facts.education
    assert imported.facts.time_to_start == builtin.facts.time_to_start
    assert imported.pathway == builtin.pathway
    assert [s.title for s in imported.sources] == [s.title for s in builtin.sources]
    assert [(r.title, r.blurb) for r in imported.related] == [
        (r.title, " ".join(str(r.blurb).split())) for r in builtin.related
    ]
    text = (out / "medical-billing-and-coding-specialist.yaml").read_text()
    assert text.startswith("# Career profile for brochure.")
    assert f"# Imported from {tmp_path / 'seed.txt'} on " in text


def test_round_trip_carries_every_line_into_the_pdf(tmp_path: Path) -> None:
    from .test_pdf import missing_items, seed_items

    code, err, out = import_text(tmp_path, SEED, "seed.txt")
    assert code == 0, err
    pdf = pipeline.render_pdf(out / "medical-billing-and-coding-specialist.yaml")
    assert not missing_items(pdf, seed_items())


def sections_of(text: str) -> dict[str, str]:
    """The seed page cut at its headings, to build variants from."""
    names = [
        "Work Settings",
        "Primary Duties",
        "How to Become",
        "Continuing Education",
        "Certifications & Licenses",
        "Citations",
        "Related Guides",
    ]
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if any(line.startswith(n) for n in names)]
    parts = {"head": "\n".join(lines[: starts[0]])}
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        parts[lines[a].split(" Medical")[0]] = "\n".join(lines[a:b])
    return parts


PARTS = sections_of(SEED)


def test_sections_missing_and_reordered() -> None:
    reordered = "\n".join(
        [PARTS["head"], PARTS["Related Guides"], PARTS["Primary Duties"], PARTS["Work Settings"]]
    )
    imported = parse_page(reordered, "p.txt")
    assert imported.warnings == []
    assert len(imported.data["duties"]) == 8
    assert len(imported.data["work_settings"]) == 6
    assert len(imported.data["related"]) == 3
    assert imported.missing == ["pathway", "continuing_education", "certifications", "sources"]
    assert list(imported.data)[-3:] == ["work_settings", "duties", "related"], "page order kept"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "| Median Salary | $23.50 per hour |",
            {"amount": 23.5, "currency": "USD", "period": "hour"},
        ),
        (
            "| Median Pay | $40,000 - $60,000 per year |",
            {"amount": 40000, "max_amount": 60000, "currency": "USD", "period": "year"},
        ),
    ],
)
def test_hourly_wages_and_ranges(row: str, expected: dict[str, object]) -> None:
    page = SEED.replace("| Median Salary | $50,250 per year |", row)
    imported = parse_page(page, "p.txt")
    assert imported.data["facts"]["median_pay"] == expected
    assert imported.warnings == []


@pytest.mark.parametrize(
    ("value", "percent", "rating"),
    [
        ("-3%Declining", -3, "Declining"),
        ("+12%Much faster than average", 12, "Much faster than average"),
        ("\u22122% Little or no change", -2, "Little or no change"),
        ("5%", 5, None),
    ],
)
def test_growth_variants(value: str, percent: int, rating: str | None) -> None:
    page = SEED.replace("+7%Very Good", value)
    growth = parse_page(page, "p.txt").data["facts"]["job_growth"]
    assert growth["percent"] == percent
    assert growth.get("rating") == rating


@pytest.mark.parametrize("bullet", ["* ", "\u2022 ", "\u2013 ", "- ", "", "1. "])
def test_other_bullets_or_none(bullet: str) -> None:
    page = "\n".join(
        (bullet + line.split("\u2022", 1)[1]) if "\u2022" in line else line
        for line in SEED.splitlines()
    )
    imported = parse_page(page, "p.txt")
    assert imported.data["work_settings"][0] == "Hospitals (inpatient and outpatient departments)"
    assert len(imported.data["duties"]) == 8
    assert imported.data["certifications"][0]["abbreviation"] == "CPC"


def test_windows_endings_bom_trailing_spaces_and_blank_lines(tmp_path: Path) -> None:
    messy = "\ufeff" + "\r\n\r\n".join(line + "   " for line in SEED.splitlines()) + "\r\n\r\n\r\n"
    code, err, out = import_text(tmp_path, messy)
    assert code == 0, err
    assert err.strip().endswith("65 lines mapped, 0 warnings")
    profile = load_profile(out / "medical-billing-and-coding-specialist.yaml")
    assert profile.duties[0].startswith("Review clinical documentation")
    assert profile.facts.median_pay is not None
    assert profile.facts.median_pay.amount == 50250


def test_a_page_cut_short_imports_what_is_there(tmp_path: Path) -> None:
    cut = SEED[: SEED.index("Complete externship or practicum")]
    code, err, out = import_text(tmp_path, cut)
    assert code == 0, err
    assert "missing: continuing_education, certifications, sources, related" in err
    profile = load_profile(out / "medical-billing-and-coding-specialist.yaml")
    assert [s.title for s in profile.pathway] == [
        "Complete high school diploma or GED",
        "Enroll in and complete accredited training program",
    ]


def test_unknown_sections_and_facts_are_kept_with_a_warning() -> None:
    page = SEED.replace(
        "Continuing Education\n",
        "Work Schedule\n- \u2022Most work full time\n- \u2022Some evening shifts\n"
        "Continuing Education\n",
    ).replace("| Education |", "| Openings | 14,200 per year |\n| Education |")
    imported = parse_page(page, "p.txt")
    notes = {n["heading"]: n["text"] for n in imported.data["notes"]}
    assert "Work Schedule" in notes
    assert "Most work full time" in notes["Work Schedule"]
    assert notes["Other Facts"] == "Openings: 14,200 per year"
    assert any("unknown section 'Work Schedule'" in w for w in imported.warnings)
    assert any("fact 'Openings'" in w for w in imported.warnings)


def test_every_line_is_mapped_or_reported() -> None:
    page = SEED + "\nSome trailing line that belongs nowhere\n"
    imported = parse_page(page, "p.txt")
    lines = page_lines(page)
    assert imported.mapped == len(lines)
    # The stray line lands among the last section's items, so it is not lost either.
    assert any("Some trailing line" in str(v) for v in imported.data.values())
    # A line that fits nowhere is named in a warning with its line number.
    stray = parse_page(SEED.replace("| Education |", "| just text |\n| Education |"), "p.txt")
    assert any(w.startswith("p.txt:") and "just text" in w for w in stray.warnings)


def test_existing_profiles_are_kept_unless_forced(tmp_path: Path) -> None:
    assert import_text(tmp_path, SEED)[0] == 0
    target = tmp_path / "profiles" / "medical-billing-and-coding-specialist.yaml"
    target.write_text(target.read_text() + "# my edit\n")
    code, err, _ = import_text(tmp_path, SEED)
    assert code == 1
    assert err.strip() == f"error: {target}: already exists; kept (use --force to replace it)"
    assert target.read_text().endswith("# my edit\n")
    assert import_text(tmp_path, SEED, "page.txt", "--force")[0] == 0
    assert "# my edit" not in target.read_text()


def test_strict_writes_nothing_when_warned(tmp_path: Path) -> None:
    page = SEED.replace("| Education |", "| Openings | 14,200 |\n| Education |")
    code, err, out = import_text(tmp_path, page, "page.txt", "--strict")
    assert code == 1
    assert "warning(s) with --strict; nothing written" in err
    assert not out.exists() or not list(out.iterdir())


def test_standard_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.cli, ["import", "-", "-o", str(tmp_path)], input=SEED)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "medical-billing-and-coding-specialist.yaml").is_file()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a text file"),
        (b"Title\n\xff\xfe broken", ":2: not valid UTF-8"),
        (b"", "the page is empty"),
        (b"   \n\n  \n", "the page is empty"),
        (b"Dear diary,\ntoday was a good day.\n", "does not look like a career page"),
    ],
)
def test_bad_pages_are_one_line_errors_and_write_nothing(
    tmp_path: Path, content: bytes, message: str
) -> None:
    page = tmp_path / "bad.txt"
    page.write_bytes(content)
    out = tmp_path / "profiles"
    result = CliRunner().invoke(cli.cli, ["import", str(page), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {page}")
    assert message in lines[0]
    assert not out.exists()


def test_imported_profile_renders_with_hourly_pay(tmp_path: Path) -> None:
    page = SEED.replace("$50,250 per year", "$23.50 per hour")
    code, err, out = import_text(tmp_path, page)
    assert code == 0, err
    pdf = pipeline.render_pdf(out / "medical-billing-and-coding-specialist.yaml")
    text = norm(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "$23.50 per hour" in text


def test_plain_fact_lines_and_question_blurbs() -> None:
    page = (
        SEED.replace("| Median Salary | $50,250 per year |", "Median Salary: $50,250 per year")
        .replace(
            "| Education | Postsecondary Certificate |", "Education: Postsecondary Certificate"
        )
        .replace(
            "Learn the requirements and limitations.",
            "Which states allow it, and what training do you need first?",
        )
    )
    imported = parse_page(page, "p.txt")
    assert imported.data["facts"]["median_pay"]["amount"] == 50250
    assert imported.data["facts"]["education"] == "Postsecondary Certificate"
    assert len(imported.data["related"]) == 3
    assert imported.data["related"][2]["blurb"].endswith("what training do you need first?")
    assert imported.warnings == []


def test_a_duration_with_no_step_is_reported() -> None:
    page = SEED.replace("Duration: 3 months\n", "Duration: 3 months\nDuration: 9 months\n", 1)
    imported = parse_page(page, "p.txt")
    assert any("duration '9 months' belongs to no step" in w for w in imported.warnings)
    assert len(imported.data["pathway"]) == 6


TAG_ROW = "\U0001f3e5Healthcare\U0001f4bcAdministrative\U0001f4c8Growing Field"


def second_rendering(page: str, tags: str = TAG_ROW) -> str:
    """The seed page as the site's other text rendering writes the same template.

    A tag row over the summary, each fact's label glued to its value (growth's value
    on the line under its label), `  • ` items between blank lines, and each pathway
    step under a line holding only its number.
    """
    lines = page.splitlines()
    out = [lines[0], tags, lines[1]]
    in_path, number, expect_step = False, 0, False
    for line in lines[2:]:
        if line.startswith("|"):
            label, value = (cell.strip() for cell in line.strip().strip("|").split("|"))
            out += [label, value] if label.startswith("Job Growth") else [label + value]
        elif line.startswith(("- \u2022", "- ")) and not in_path:
            out += ["", "  \u2022 " + line.split("\u2022", 1)[-1].removeprefix("- "), ""]
        elif line.startswith("How to Become"):
            in_path, expect_step = True, True
            out.append(line)
        elif line == "Continuing Education":
            in_path = False
            out += [line, ""]
        elif in_path and expect_step:
            number += 1
            out += [str(number), line]
            expect_step = False
        else:
            out.append(line)
            expect_step = in_path and line.startswith("Duration:")
    return "\n".join(out) + "\n"


SECOND = second_rendering(SEED)


def test_second_rendering_reads_as_the_first() -> None:
    first = parse_page(SEED, "first.txt")
    second = parse_page(SECOND, "second.txt")
    assert second.warnings == [], second.warnings
    assert second.data.pop("tags") == ["Healthcare", "Administrative", "Growing Field"]
    assert second.data == first.data
    assert second.mapped == len(page_lines(SECOND))
    assert "\u2022" not in str(second.data)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ("Median Salary$51,000-$70,000 per year", {"amount": 51000, "max_amount": 70000}),
        ("\U0001f4b0Median Salary$23.50 per hour", {"amount": 23.5, "period": "hour"}),
        ("Median Salary\n$50,250 per year", {"amount": 50250, "period": "year"}),
        ("Median Salary: $50,250 per year", {"amount": 50250}),
    ],
)
def test_glued_pay_keeps_ranges_and_periods(facts: str, expected: dict[str, object]) -> None:
    page = SECOND.replace("Median Salary$50,250 per year", facts)
    imported = parse_page(page, "p.txt")
    assert imported.warnings == []
    pay = imported.data["facts"]["median_pay"]
    assert {k: pay[k] for k in expected} == expected
    assert "Salary" not in imported.data["summary"]


def test_second_rendering_variations() -> None:
    page = (
        SECOND.replace(TAG_ROW + "\n", "")
        .replace(SEED.splitlines()[0] + "\n", SEED.splitlines()[0] + "\n" + TAG_ROW + "\n", 1)
        .replace("+7%Very Good", "+7%\nVery Good")  # the rating under the percentage
        .replace("Duration: 3 months", "\u23f1\ufe0f Duration3 months")
        .replace("EducationPostsecondary Certificate", "Education\nPostsecondary Certificate")
    )
    imported = parse_page(page, "p.txt")
    assert imported.warnings == []
    facts = imported.data["facts"]
    assert facts["job_growth"] == {"percent": 7, "rating": "Very Good"}
    assert facts["education"] == "Postsecondary Certificate"
    assert [s.get("duration") for s in imported.data["pathway"]][3] == "3 months"


def test_mixed_renderings_and_steps_without_duration_lines() -> None:
    # Table facts with glued ones, bullets of both kinds, numbered steps whose last line
    # is only a span of time.
    page = (
        SECOND.replace(
            "EducationPostsecondary Certificate", "| Education | Postsecondary Certificate |"
        )
        .replace("  \u2022 Physician offices", "- \u2022Physician offices")
        .replace("Duration: 24 months", "24 months")
    )
    imported = parse_page(page, "p.txt")
    assert imported.warnings == []
    assert imported.data["facts"]["education"] == "Postsecondary Certificate"
    assert imported.data["work_settings"][1] == "Physician offices and clinics"
    steps = imported.data["pathway"]
    assert [s["title"] for s in steps] == [s["title"] for s in parse_page(SEED).data["pathway"]]
    assert [s.get("duration") for s in steps] == [
        "24 months",
        "24 months",
        "24 months",
        "3 months",
        "3 months",
        "24 months",
    ]


def test_tags_without_icons() -> None:
    for row in (
        "HealthcareAdministrativeGrowing Field",
        "Healthcare \u00b7 Administrative \u00b7 Growing Field",
    ):
        imported = parse_page(SECOND.replace(TAG_ROW, row), "p.txt")
        assert imported.data["tags"] == ["Healthcare", "Administrative", "Growing Field"], row
        assert imported.data["summary"].startswith("Translate patient"), row


def test_a_line_out_of_place_is_a_located_warning(tmp_path: Path) -> None:
    stray = SECOND.replace("Time to Start", "Updated for the 2024 school year\nTime to Start")
    imported = parse_page(stray, "p.txt")
    number = page_lines(stray).index("Updated for the 2024 school year")
    line = stray.splitlines().index("Updated for the 2024 school year") + 1
    assert number > 0
    assert [w for w in imported.warnings if w.startswith(f"p.txt:{line}: unmapped line")]
    assert imported.data["notes"] == [
        {"heading": "Notes", "text": "Updated for the 2024 school year"}
    ]
    assert "Updated" not in imported.data["summary"]
    code, err, out = import_text(tmp_path, stray, "page.txt", "--strict")
    assert code == 1
    assert "nothing written" in err
    assert not out.exists() or not list(out.iterdir())
    # A step number with nothing under it is named too.
    empty = parse_page(
        SECOND.replace("Continuing Education\n", "7\nContinuing Education\n"), "p.txt"
    )
    assert any("step '7' has no title" in w for w in empty.warnings)


def test_sentences_that_start_like_a_fact_stay_prose() -> None:
    page = (
        "Education Administrator\n"
        "Educational leaders plan programs. Salary negotiation is part of the job.\n"
        "Education Master's Degree\n"
        "Median Salary$103,460 per year\n"
        "Work Settings\n  \u2022 Schools\n"
    )
    imported = parse_page(page, "p.txt")
    assert imported.data["title"] == "Education Administrator"
    assert imported.data["summary"].startswith("Educational leaders")
    assert imported.data["facts"]["education"] == "Master's Degree"
    assert imported.warnings == []


def test_second_rendering_round_trip_into_the_pdf(tmp_path: Path) -> None:
    code, err, out = import_text(tmp_path, SECOND, "second.txt")
    assert code == 0, err
    assert err.strip().endswith(f"{len(page_lines(SECOND))} lines mapped, 0 warnings")
    pdf = pipeline.render_pdf(out / "medical-billing-and-coding-specialist.yaml")
    text = norm(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for tag in ("Healthcare", "Administrative", "Growing Field"):
        assert tag.upper() in text.upper()  # set in small capitals


def test_card_pages_with_icons_labels_on_their_own_lines_and_keycap_numbers() -> None:
    page = (DATA / "pages" / "electrician-cards.txt").read_text()
    imported = parse_page(page, "electrician.txt")
    assert imported.warnings == []
    assert imported.mapped == len(page_lines(page))
    data = imported.data
    assert data["title"] == "Electrician"  # the tag row above it is no title
    assert data["tags"] == ["Skilled Trades", "Hands-On", "Good Pay"]
    assert data["summary"].startswith("Install, maintain")
    assert data["facts"]["job_growth"] == {"percent": 11, "rating": "Excellent"}
    assert data["facts"]["education"] == "High School Diploma + Apprenticeship"
    assert data["facts"]["time_to_start"]["max_months"] == 60
    assert [(s["title"], s.get("duration")) for s in data["pathway"]] == [
        ("Earn a high school diploma or GED", "48 months"),
        ("Complete a 4-year apprenticeship", "4 years"),
        ("Get licensed", None),
    ]
    assert imported.missing == ["work_settings", "certifications", "sources"]


def test_dental_card_page_imports_whole() -> None:
    page = (DATA / "pages" / "dental-hygienist-cards.txt").read_text()
    imported = parse_page(page, "dental.txt")
    assert imported.warnings == []
    assert imported.mapped == len(page_lines(page))
    assert imported.data["facts"]["median_pay"] == {
        "amount": 87530,
        "currency": "USD",
        "period": "year",
    }
    assert len(imported.data["pathway"]) == 3
    assert imported.data["pathway"][1]["duration"] == "24-36 months"
    assert imported.data["certifications"][0]["abbreviation"] == "RDH"
    assert imported.missing == []


@pytest.mark.parametrize(
    "row",
    [
        TAG_ROW + SEED.splitlines()[1],  # the summary glued to the last tag
        TAG_ROW + " " + SEED.splitlines()[1],
    ],
)
def test_a_summary_run_on_after_the_tags(row: str) -> None:
    page = SECOND.replace(TAG_ROW + "\n" + SEED.splitlines()[1], row)
    imported = parse_page(page, "p.txt")
    assert imported.warnings == []
    assert imported.data["tags"] == ["Healthcare", "Administrative", "Growing Field"]
    assert imported.data["summary"] == SEED.splitlines()[1]
