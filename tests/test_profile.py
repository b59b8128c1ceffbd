"""The profile format: loading, every-problem-at-once messages, safe YAML, JSON Schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from brochure import ProfileError, load_profile, profile_schema
from brochure.profile import slugify

from .conftest import BUILTIN_PROFILES, DATA


def problems(path: Path) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    return [str(p) for p in caught.value.problems]


def test_library_has_at_least_twelve_valid_profiles() -> None:
    assert len(BUILTIN_PROFILES) >= 12
    slugs = set()
    for path in BUILTIN_PROFILES:
        profile = load_profile(path)
        assert profile.key == path.stem, "file name must be the slug"
        slugs.add(profile.key)
        # What a counselor relies on: every built-in career is complete and sourced.
        assert profile.summary
        assert profile.cluster
        assert profile.as_of
        assert profile.facts.median_pay
        assert profile.facts.job_growth
        assert profile.facts.education
        assert profile.facts.time_to_start
        assert profile.facts.source
        assert profile.work_settings
        assert profile.duties
        assert profile.pathway
        assert profile.continuing_education
        assert profile.certifications
        assert profile.sources
        assert profile.sources[0].url
        assert profile.sources[0].year
    assert len(slugs) == len(BUILTIN_PROFILES)


def test_seed_profile_keeps_every_structured_fact() -> None:
    profile = load_profile(DATA / "profiles" / "valid" / "full.yaml")
    assert profile.facts.median_pay is not None
    assert profile.facts.median_pay.amount == 50250
    assert profile.facts.median_pay.period == "year"
    assert profile.facts.job_growth is not None
    assert (profile.facts.job_growth.percent, profile.facts.job_growth.rating) == (7, "Very Good")
    span = profile.facts.time_to_start
    assert span is not None
    assert (span.text, span.min_months, span.max_months) == ("4-24 months", 4, 24)
    cpc = profile.certifications[0]
    assert (cpc.name, cpc.abbreviation, cpc.issuer, cpc.note) == (
        "Certified Professional Coder",
        "CPC",
        "AAPC",
        "entry-level, outpatient focus",
    )
    assert len(profile.pathway) == 6
    assert len(profile.sources) == 5
    assert len(profile.related) == 3


def test_minimal_profile_gets_a_slug_from_its_title() -> None:
    profile = load_profile(DATA / "profiles" / "valid" / "minimal.yaml")
    assert profile.key == "welder"
    assert profile.duties == []
    assert profile.facts.median_pay is None


@pytest.mark.parametrize("name", ["wrong-type", "bad-values"])
def test_every_problem_is_reported_with_its_line(name: str) -> None:
    folder = DATA / "profiles" / "invalid"
    expected = (folder / f"{name}.expected").read_text().format(dir=folder).splitlines()
    assert problems(folder / f"{name}.yaml") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: A\ntitel: B\n", "2: titel: unknown field (did you mean 'title'?)"),
        ("title: A\ntitle: B\n", "2: title: duplicate key (first given on line 1)"),
        ("title: !!python/object/apply:os.system [ls]\n", "1: title: unsupported YAML tag"),
        ("title: A\nduties: [a, b\n", "invalid YAML"),
        ("- just\n- a list\n", "1: expected a mapping of profile fields, got a list"),
        ("title: A\npathway:\n  - title: B\n    duration: 3\n", "4: pathway[0].duration: expected"),
        ("title: A\nfacts:\n  median_pay: [1, 2]\n", "3: facts.median_pay: expected a mapping"),
    ],
)
def test_yaml_mistakes_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    found = problems(path)
    assert any(line.startswith(f"{path}:") and expected in line for line in found), found


def test_yaml_11_surprises_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("title: no\nsummary: 1:30\nduties: [yes, off, 0755]\n")
    profile = load_profile(path)
    assert profile.title == "no"
    assert profile.summary == "1:30"
    assert profile.duties == ["yes", "off", "0755"]


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\ntitle: x\n")
    assert "aliases expanding" in problems(path)[0]


def test_a_run_longer_than_a_line_is_refused_at_its_field(tmp_path: Path) -> None:
    """Laying out a run without spaces costs the square of its length (docs/SECURITY.md)."""
    path = tmp_path / "p.yaml"
    path.write_text(f"title: Welder\nduties:\n  - Weld\n  - {'x' * 101} joints\n")
    assert problems(path) == [
        f"{path}:4: duties[1]: has 101 characters without a space; at most 100 fit on a "
        "line: add spaces, or put an address in a url field"
    ]


def test_long_words_urls_and_spaceless_scripts_within_the_run_limit_load(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    summary = f"{'x' * 100} Pneumonoultramicroscopicsilicovolcanoconiosis {'焊' * 300}"
    path.write_text(f"title: Welder\nsummary: {summary}\n")
    assert load_profile(path).summary == summary


def test_a_profile_over_the_total_text_limit_is_refused_where_it_passes(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    text = " ".join(["weld"] * 799)  # 3,994 characters
    notes = "".join(f"  - heading: N\n    text: {text}\n" for _ in range(6))
    path.write_text("title: Welder\nnotes:\n" + notes)
    assert problems(path) == [
        f"{path}:14: notes[5].text: the profile's text passes 20,000 characters here, more "
        "than a six-page handout holds; shorten it or split it into two careers"
    ]


def test_an_address_is_at_most_500_characters(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"title: Welder\nsources:\n  - title: S\n    url: https://x.org/{'a' * 490}\n")
    assert problems(path) == [f"{path}:4: sources[0].url: text is longer than 500 characters"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "file is empty"),
        (b"title: caf\xe9\n", ":1: not valid UTF-8"),
        (b"\x00\x01binary", "not a text file"),
        ("title: Welder\nsummary: Joins metal.\n".encode("utf-16-le"), "saved as UTF-16 without a"),
        ("title: Welder\n".encode("utf-16-be"), "save it as UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(raw)
    assert expected in problems(path)[0]


def test_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("\ufefftitle: Électricien\r\nduties:\r\n  - Câbler\r\n".encode())
    profile = load_profile(path)
    assert profile.title == "Électricien"
    assert profile.duties == ["Câbler"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    """Windows Notepad's "Unicode" files: read as what they are, lines kept."""
    path = tmp_path / "p.yaml"
    text = "title: Électricien\r\nduties:\r\n  - [Câbler]\r\n"
    bom = "" if encoding == "utf-16" else "\ufeff"
    path.write_bytes((bom + text).encode(encoding))
    assert problems(path) == [f"{path}:3: duties[0]: expected text, got a list"]


def test_missing_file_is_one_clear_problem(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: no such file"]


def test_limits_refuse_absurd_lists(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("title: A\nduties:\n" + "".join(f"  - duty {i}\n" for i in range(500)))
    assert problems(path) == [f"{path}:2: duties: has more than 40 items"]


def test_json_schema_accepts_every_builtin_profile_and_rejects_typos() -> None:
    schema = profile_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for path in BUILTIN_PROFILES:
        data = yaml.safe_load(path.read_text())
        data["as_of"] = str(data["as_of"])  # PyYAML 1.1 reads dates; the schema wants text
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path.name}: {errors[0].message}"
    assert list(validator.iter_errors({"title": "A", "titel": "B"}))


@pytest.mark.parametrize(
    ("title", "slug"),
    [("EMT & Paramedic", "emt-paramedic"), ("Técnico en Farmacia", "tecnico-en-farmacia")],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_unclosed_quote_points_at_where_it_opened(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('title: A\nsummary: "never closed\n')
    assert problems(path) == [
        f"{path}:2: invalid YAML: while scanning a quoted scalar, found unexpected end of stream"
    ]


def test_devices_and_oversized_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    assert problems(Path("/dev/zero")) == ["/dev/zero: not a regular file"]
    big = tmp_path / "big.yaml"
    big.write_text("title: " + "x" * 1_100_000)
    assert problems(big) == [f"{big}: file is larger than 1000 kB"]


@pytest.mark.parametrize(
    ("pay", "growth", "money", "percent"),
    [
        ("$23.50 per hour", "+7%Very Good", (23.5, "USD", "hour"), (7, "Very Good")),
        ('"$50,250 per year"', "-3% Declining", (50250, "USD", "year"), (-3, "Declining")),
        ("61000", "4", (61000, "USD", "year"), (4, None)),
        ("£31,000 a year", "0%", (31000, "GBP", "year"), (0, None)),
    ],
)
def test_facts_may_be_written_as_on_the_page(
    tmp_path: Path, pay: str, growth: str, money: tuple[float, str, str], percent: tuple[float, str]
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"title: A\nfacts:\n  median_pay: {pay}\n  job_growth: {growth}\n")
    facts = load_profile(path).facts
    assert facts.median_pay is not None
    assert facts.job_growth is not None
    assert (facts.median_pay.amount, facts.median_pay.currency, facts.median_pay.period) == money
    assert (facts.job_growth.percent, facts.job_growth.rating) == percent


def test_unreadable_pay_says_what_is_expected(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("title: A\nfacts:\n  median_pay: lots\n  job_growth: {percent: -300}\n")
    assert problems(path) == [
        f"{path}:3: facts.median_pay: expected pay such as '$50,250 per year', got 'lots'",
        f"{path}:4: facts.job_growth.percent: must be at least -100, got -300",
    ]


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("2-4 years", (24, 48)),
        ("6 weeks", (1.38, 1.38)),
        ("3 to 6 months", (3, 6)),
        ("Varies", (None, None)),
        ("40 hours", (None, None)),
    ],
)
def test_spans_read_as_months(tmp_path: Path, text: str, months: tuple[float, float]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"title: A\nfacts:\n  time_to_start: {text}\n")
    span = load_profile(path).facts.time_to_start
    assert span is not None
    assert span.text == text
    assert (span.min_months, span.max_months) == months


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (f"title: {'Welder ' * 25}\n", "1: title: text is longer than 150 characters"),
        (
            f"title: W\nsummary: {'weld ' * 301}\n",
            "2: summary: text is longer than 1500 characters",
        ),
        (
            f"title: W\nduties:\n  - {'weld ' * 121}\n",
            "3: duties[0]: text is longer than 600 characters",
        ),
        (
            f"title: W\npathway:\n  - title: Study\n    duration: 4 years{' x' * 30}\n",
            "4: pathway[0].duration.text: text is longer than 60 characters",
        ),
        (
            f"title: W\nfacts:\n  job_growth: +7% {'very ' * 13}\n",
            "3: facts.job_growth.rating: text is longer than 60 characters",
        ),
    ],
)
def test_each_kind_of_text_has_the_limit_of_the_box_it_prints_in(
    tmp_path: Path, yaml_text: str, expected: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml_text)
    assert problems(path) == [f"{path}:{expected}"]
