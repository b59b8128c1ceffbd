"""`brochure import-onet` end to end: profiles written once, valid, and never replaced."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from brochure import cli
from brochure.inputs import validate_paths
from brochure.profile import load_profile

from .onet_release import write_bls, write_release


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli.cli, [str(a) for a in args])
    return result.exit_code, result.stderr


def test_every_occupation_with_data_becomes_a_valid_profile(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db_30_2_text", 5)
    out = tmp_path / "careers"
    code, err = run("import-onet", release, "-o", out)
    assert code == 0, err
    assert err.strip().endswith(f"5 profiles written, 1 occupations skipped in {out}")
    names = sorted(p.name for p in out.glob("*.yaml"))
    assert names[0] == "electricians.yaml"
    assert len(names) == 5
    validate_paths([out])
    records = load_profile(out / "medical-records-specialists.yaml")
    assert records.codes.onet == "29-2072.00"
    assert records.codes.soc == "29-2072"
    assert records.main_source is not None
    assert records.main_source.url == "https://www.mynextmove.org/profile/summary/29-2072.00"
    assert [r.slug for r in records.related][:1] == ["electronics-engineers-except-computer"]
    assert len(records.duties) == 8
    assert all(not d.endswith(".") for d in records.duties)
    text = (out / "medical-records-specialists.yaml").read_text()
    assert "# Made from O*NET 30.2 (29-2072.00) by `brochure import-onet`" in text


def test_an_import_never_replaces_a_file_and_is_repeatable(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db_30_2_text", 3)
    out = tmp_path / "careers"
    run("import-onet", release, "-o", out)
    first = {p.name: p.read_bytes() for p in out.glob("*.yaml")}
    mine = out / "medical-records-specialists.yaml"
    mine.write_text(mine.read_text().replace("title: Medical", "title: Our Medical"))
    code, err = run("import-onet", release, "-o", out)
    assert code == 0
    assert f"warning: {mine}: already there, kept as it was" in err
    assert "title: Our Medical Records Specialists" in mine.read_text()
    again = tmp_path / "again"
    run("import-onet", release, "-o", again)
    assert {p.name: p.read_bytes() for p in again.glob("*.yaml")} == first  # same bytes


def test_only_some_codes(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db_30_3_text", 5, version="30.3")
    out = tmp_path / "careers"
    code, err = run("import-onet", release, "-o", out, "--only", "29-2072,15-1252.00")
    assert code == 0, err
    assert sorted(p.stem for p in out.glob("*.yaml")) == [
        "medical-records-specialists",
        "software-developers",
    ]


def test_a_bad_release_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release = write_release(tmp_path / "db_30_2_text", 2)
    (release / "Task Statements.txt").write_text("O*NET-SOC Code\tTask\n")
    with pytest.raises(SystemExit) as exited:
        cli.main(["import-onet", str(release), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert err.count("\n") == 1
    assert "Task Statements.txt:1: not the O*NET file it should be" in err
    assert not (tmp_path / "out").exists()


BLS = Path(__file__).parent / "data" / "opendata" / "bls"


def test_figures_come_from_the_bls_sheets(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db_30_2_text", 5)
    out = tmp_path / "careers"
    code, err = run(
        "import-onet",
        release,
        "-o",
        out,
        "--wages",
        BLS / "national_M2025_dl.csv",
        "--projections",
        BLS / "occupation_Table_1.2.csv",
    )
    assert code == 0, err
    developers = load_profile(out / "software-developers.yaml")
    assert developers.as_of == "2025-05"
    assert developers.facts.median_pay is not None
    assert developers.facts.median_pay.period == "year"
    records = load_profile(out / "medical-records-specialists.yaml")
    assert records.facts.job_growth is not None
    assert records.facts.job_growth.years == "2024-2034"
    assert records.facts.job_growth.rating == "Faster than average"  # 7.0 against 3.1
    assert records.facts.education == "Postsecondary nondegree award"
    assert records.facts.source is not None
    assert "growth words are this brochure's" in records.facts.source
    assert records.attribution is not None
    assert "Used under the CC BY 4.0 license" in records.attribution
    assert "O*NET 30.2 Database" in records.attribution
    assert "has modified all or some of this information" in records.attribution
    assert "Occupational Employment" not in records.attribution  # the label as the file says
    assert "Employment Projections 2024-2034" in records.attribution


def test_a_top_coded_wage_prints_as_more_than() -> None:
    from brochure.fields import Money
    from brochure.opendata.build import pay
    from brochure.render import money

    class Top:
        annual_median, hourly_median = 239_200.0, None
        annual_top_coded, hourly_top_coded = True, False

    figure = pay(Top())
    assert figure == {"amount": 239_200.0, "period": "year", "at_least": True}
    assert money(Money.model_validate(figure)) == "more than $239,200"


@pytest.mark.slow
def test_the_licence_statement_is_printed_in_every_layout_and_once_per_booklet(
    tmp_path: Path,
) -> None:
    import io
    import re

    from pypdf import PdfReader

    from brochure import pipeline
    from brochure.booklet_apart import build_booklet

    release = write_release(tmp_path / "db_30_2_text", 3)
    out = tmp_path / "careers"
    run("import-onet", release, "-o", out, "--wages", BLS / "national_M2025_dl.csv")

    def text(pdf: bytes) -> str:
        pages = PdfReader(io.BytesIO(pdf)).pages
        return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))

    statement = "Used under the CC BY 4.0 license"
    for layout in ("handout", "flyer", "trifold"):
        rendered = pipeline.render_profile(out / "medical-records-specialists.yaml", layout)
        assert statement in text(rendered.pdf.data), layout
        assert not [w for w in rendered.pdf.warnings if w.startswith("typography")], layout
    booklet = build_booklet(sorted(out.glob("*.yaml")), None)
    assert text(booklet.data).count(statement) == 1


@pytest.mark.slow
def test_state_pay_is_printed_with_state(tmp_path: Path) -> None:
    import subprocess
    import sys

    release = write_release(tmp_path / "db_30_2_text", 5)
    out = tmp_path / "careers"
    code, err = run(
        "import-onet",
        release,
        "-o",
        out,
        "--wages",
        BLS / "national_M2025_dl.csv",
        "--state-wages",
        BLS / "state_M2025_dl.csv",
    )
    assert code == 0, err
    developers = load_profile(out / "software-developers.yaml")
    assert developers.facts.state_pay["VA"].amount == 136_460

    def printed(*options: str) -> str:
        pdf = tmp_path / "x.pdf"
        command = [
            sys.executable,
            "-m",
            "brochure",
            "render",
            str(out / "software-developers.yaml"),
        ]
        subprocess.run([*command, "-o", str(pdf), "-q", *options], check=True)
        # pypdf, not poppler's pdftotext: the suite needs no tool make test does not install.
        from pypdf import PdfReader

        return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())

    assert "Median pay in Virginia: $136,460 a year (national: $135,980)" in printed(
        "--state", "VA"
    )
    assert "No median pay estimate for Illinois" in printed("--state", "il", "-l", "flyer")
    assert "Median pay in" not in printed()
    refused = subprocess.run(
        [sys.executable, "-m", "brochure", "render", str(out), "--state", "XX", "-o", "-"],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert refused.stderr == "error: --state: a US state's postal code such as IL or VA, got 'XX'\n"


def test_a_career_the_built_in_library_has_is_pointed_out(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db_30_2_text", 1)
    occupations = release / "Occupation Data.txt"
    occupations.write_text(
        occupations.read_text().replace("Medical Records Specialists", "Registered Nurses", 1)
    )
    out = tmp_path / "careers"
    code, err = run("import-onet", release, "-o", out)
    assert code == 0, err
    assert (
        f"warning: {out / 'registered-nurses.yaml'}: the built-in library has this career "
        "too (registered-nurse)" in err
    )


def test_clusters_come_from_the_onet_online_export(tmp_path: Path) -> None:
    release = write_release(tmp_path / "db_30_2_text", 2)
    out = tmp_path / "careers"
    clusters = Path(__file__).parent / "data/opendata/clusters/All_Career_Clusters.csv"
    code, err = run("import-onet", release, "-o", out, "--clusters", clusters)
    assert code == 0, err
    assert load_profile(out / "medical-records-specialists.yaml").cluster == "Health Science"
    assert load_profile(out / "electronics-engineers-except-computer.yaml").cluster is None


def test_one_cluster_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release = write_release(tmp_path / "db_30_2_text", 5)
    clusters = Path(__file__).parent / "data/opendata/clusters/All_Career_Clusters.csv"
    out = tmp_path / "health"
    code, err = run(
        "import-onet", release, "-o", out, "--clusters", clusters, "--cluster", "HEALTH science"
    )
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["medical-records-specialists.yaml"]
    with pytest.raises(SystemExit) as exited:
        cli.main(
            [
                "import-onet",
                str(release),
                "-o",
                str(tmp_path / "x"),
                "--clusters",
                str(clusters),
                "--cluster",
                "Health",
            ]
        )
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no career cluster 'Health' (there are: Agriculture, Food")
    assert err.count("\n") == 1
    assert not (tmp_path / "x").exists()
    code, err = run("import-onet", release, "-o", out, "--cluster", "Health Science")
    assert code == 2
    assert "--cluster needs --clusters" in err


def test_every_word_the_import_writes_has_its_spanish() -> None:
    """The growth words and the education vocabulary are the import's own: a Spanish
    brochure prints them in Spanish (the O*NET text itself stays as published)."""
    from brochure.i18n import messages
    from brochure.opendata.build import GROWTH_WORDS, ONET_EDUCATION, growth_word

    spanish = messages("es")
    words = {word for _, word in GROWTH_WORDS} | {"Little or no change", "Decline"}
    assert {growth_word(-0.5, 5), growth_word(-9, 3)} == {"Little or no change", "Decline"}
    bls = {
        "No formal educational credential",
        "High school diploma or equivalent",
        "Postsecondary nondegree award",
        "Some college, no degree",
        "Associate's degree",
        "Bachelor's degree",
        "Master's degree",
        "Doctoral or professional degree",
    }
    for word in sorted(words | bls | set(ONET_EDUCATION.values())):
        assert spanish(word) != word, word


def test_a_spanish_brochure_of_an_import_says_its_facts_in_spanish(tmp_path: Path) -> None:
    from brochure import render_html
    from brochure.layout import find_layout
    from brochure.render import RenderOptions

    release = write_release(tmp_path / "db", 5)
    out = tmp_path / "careers"
    run("import-onet", release, "-o", out, "--projections", BLS / "occupation_Table_1.2.csv")
    records = load_profile(out / "medical-records-specialists.yaml", "es")
    html = render_html(records, find_layout("handout"), options=RenderOptions(lang="es"))
    assert "Certificado postsecundario sin título" in html
    assert "Más rápido que el promedio" in html


def hostile_sheet(kind: str, folder: Path) -> tuple[Path, str]:
    """A bad --wages file of `kind`, and the error line it must give."""
    import csv
    import zipfile

    import openpyxl

    wages, projections = write_bls(folder / "bls", 3)
    with wages.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if kind == "truncated-xlsx":
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)  # type: ignore[union-attr]
        book.save(folder / "whole.xlsx")
        data = (folder / "whole.xlsx").read_bytes()
        (folder / "national.xlsx").write_bytes(data[: len(data) // 2])
        return folder / "national.xlsx", "national.xlsx: not a readable xlsx file"
    if kind == "zip-bomb":
        with zipfile.ZipFile(folder / "national.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
            bomb.writestr("[Content_Types].xml", "<Types/>")
            bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 << 20))
        return folder / "national.xlsx", "unpacks to 1,028 times its size (at most 200)"
    if kind == "endless-csv":
        with (folder / "national.csv").open("w", encoding="utf-8") as handle:
            handle.write(",".join(rows[0]) + "\n")
            code = rows[0].index("OCC_CODE")
            for number in range(100_001):
                row = list(rows[1])
                row[code] = f"{number // 10_000 + 11:02d}-{number % 10_000:04d}"
                handle.write(",".join(row) + "\n")
        return folder / "national.csv", "more than 100,000 rows (the most one table may have)"
    if kind == "text-wage":
        rows[2][rows[0].index("A_MEDIAN")] = "about 50k"
        with (folder / "national.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return folder / "national.csv", "national.csv:3: A_MEDIAN: expected a wage, got 'about 50k'"
    assert kind == "other-program"
    return projections, "not an OEWS wage file: no column OCC_CODE (expected OCC_CODE"


@pytest.mark.parametrize(
    "kind", ["truncated-xlsx", "zip-bomb", "endless-csv", "text-wage", "other-program"]
)
def test_a_bad_sheet_is_one_line_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    release = write_release(tmp_path / "db_30_2_text", 3)
    sheet, expected = hostile_sheet(kind, tmp_path)
    out = tmp_path / "careers"
    with pytest.raises(SystemExit) as exited:
        cli.main(["import-onet", str(release), "-o", str(out), "--wages", str(sheet)])
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert err.startswith(f"error: {sheet}")
    assert expected in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_a_title_with_control_characters_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = write_release(tmp_path / "db_30_2_text", 3)
    data = release / "Occupation Data.txt"
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Medical", "Med\x07ical\x1b[31m", 1)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        cli.main(["import-onet", str(release), "-o", str(tmp_path / "out")])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err == f"error: {data}:2: Title: control characters in the text\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("layout", ["handout", "flyer", "trifold"])
def test_the_licence_and_the_state_line_need_no_figures_source(layout: str) -> None:
    """A hand-trimmed profile without facts.source or as_of still prints its licence
    statement and, with --state, the state's pay."""
    from brochure import render_html
    from brochure.layout import find_layout
    from brochure.profile import Profile
    from brochure.render import RenderOptions

    profile = Profile.model_validate(
        {
            "title": "Software Developers",
            "facts": {"median_pay": 135980, "state_pay": {"VA": 136460}},
            "attribution": "Used under the CC BY 4.0 license.",
        }
    )
    html = render_html(profile, find_layout(layout), options=RenderOptions(state="VA"))
    assert "Used under the CC BY 4.0 license." in html
    assert "Median pay in Virginia: $136,460 a year (national: $135,980)" in html
