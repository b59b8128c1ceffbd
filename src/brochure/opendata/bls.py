"""BLS tables as typed records: OEWS wages (national or by state) and Employment Projections
Table 1.2, read from the published .xlsx or a CSV export of it."""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .tables import (
    DEFAULT_CAPS,
    SPAN,
    YEAR,
    Caps,
    Cell,
    Column,
    Record,
    TableError,
    TableSpec,
    open_table,
    plain_header,
)

# OEWS prints "#" for "a wage equal to or greater than $115.00 per hour or $239,200 per
# year" (its field descriptions, May 2023 on; up to May 2021 at least: $100.00 and
# $208,000; May 2022 is unsure, so it gets the lower pair, a true lower bound either way).
# The floor stands in for the unknown wage, flagged as top-coded; a release of unknown
# year gets the current floor.
ANNUAL_TOP_CODE = 239_200.0
HOURLY_TOP_CODE = 115.0
ANNUAL_TOP_CODE_BEFORE_2023 = 208_000.0
HOURLY_TOP_CODE_BEFORE_2023 = 100.0

OEWS = TableSpec(
    kind="an OEWS wage file",
    columns=(
        Column("code", ("OCC_CODE",)),
        Column("title", ("OCC_TITLE",)),
        Column("group", ("O_GROUP", "OCC_GROUP", "GROUP")),
        Column("annual", ("A_MEDIAN",)),
        Column("hourly", ("H_MEDIAN",)),
        Column("annual_only", ("ANNUAL",), required=False),
        Column("hourly_only", ("HOURLY",), required=False),
        Column("area_type", ("AREA_TYPE",), required=False),
        Column("state", ("PRIM_STATE", "ST"), required=False),
        Column("industry", ("I_GROUP",), required=False),
    ),
    key="code",
)

PROJECTIONS = TableSpec(
    kind="Employment Projections Table 1.2",
    columns=(
        Column("title", ("2024 National Employment Matrix title", "Occupation title")),
        Column("code", ("2024 National Employment Matrix code", "Occupation code")),
        Column("type", ("Occupation type",)),
        Column("growth", ("Employment change, percent, 2024-34", "Percent change, 2024-34")),
        Column("wage", ("Median annual wage, dollars, 2024", "Median annual wage, 2024")),
        Column("education", ("Typical education needed for entry",)),
        Column("experience", ("Work experience in a related occupation",)),
        Column(
            "training",
            (
                "Typical on-the-job training needed to attain competency in the occupation",
                "Typical on-the-job training",
            ),
        ),
    ),
    key="code",
    sheet="Table 1.2",
)


@dataclass(frozen=True)
class Wage:
    """One occupation's median pay in one area, as OEWS publishes it.

    A top-coded median holds the floor (the true median is at least that). OEWS publishes
    only annual pay for some occupations (teachers) and only hourly for others (dancers).
    """

    soc: str
    title: str
    annual_median: float | None
    hourly_median: float | None
    annual_top_coded: bool
    hourly_top_coded: bool
    annual_only: bool
    hourly_only: bool
    state: str | None  # postal code (VA, DC, PR) on a state row; None nationally
    year: str | None  # "May 2025", when the file's name or its sheet's says


@dataclass(frozen=True)
class WageTable:
    """The detailed occupations of an OEWS file, national and by state, and its totals."""

    path: Path
    year: str | None
    by_soc: Mapping[str, Wage]
    by_state_soc: Mapping[tuple[str, str], Wage]
    total: Wage | None  # All Occupations, nationally
    state_totals: Mapping[str, Wage]


@dataclass(frozen=True)
class Projection:
    """One occupation's line in Employment Projections Table 1.2."""

    soc: str
    title: str
    growth_percent: float | None
    years: str  # "2024-2034"
    education: str | None  # typical entry-level education, as published
    experience: str | None  # work experience in a related occupation
    training: str | None  # typical on-the-job training
    median_wage: float | None  # annual; from the OEWS release of the table's base year
    median_wage_top_coded: bool  # published as ">=239,200": the wage is at least that


@dataclass(frozen=True)
class ProjectionTable:
    """The line items of Table 1.2 by SOC code, with the all-occupations growth."""

    path: Path
    years: str
    by_soc: Mapping[str, Projection]
    average_growth: float | None  # Total, all occupations
    wage_year: str | None  # "May 2024": the period of the median wage column


def read_wages(path: Path | str, *, caps: Caps = DEFAULT_CAPS) -> WageTable:
    """The detailed occupations (O_GROUP `detailed`) of an OEWS national or state file,
    and its All Occupations rows; a row is a state's when its area is a state."""
    path = Path(path)
    national: dict[str, Wage] = {}
    by_state: dict[tuple[str, str], Wage] = {}
    totals: dict[str, Wage] = {}
    seen: dict[tuple[str, str, str], int] = {}
    with open_table(path, OEWS, caps) as table:
        origin = table.header.origin
        year = _oews_year(path, origin.sheet)
        for record in table.records:
            group, wage = _wage_row(record, year)
            if group not in {"detailed", "total"}:
                continue
            place = (wage.state or "", group, wage.soc)
            if place in seen:
                where = f" in {wage.state}" if wage.state else ""
                first = f"{'row' if origin.sheet else 'line'} {seen[place]}"
                raise record.error("code", f"{wage.soc} appears twice{where} (first on {first})")
            seen[place] = record.row
            if group == "total":
                totals[wage.state or ""] = wage
            elif wage.state:
                by_state[wage.state, wage.soc] = wage
            else:
                national[wage.soc] = wage
    if not national and not by_state:
        raise origin.error("no detailed occupations (rows with O_GROUP detailed)")
    return WageTable(path, year, national, by_state, totals.pop("", None), totals)


def read_projections(path: Path | str, *, caps: Caps = DEFAULT_CAPS) -> ProjectionTable:
    """The line items of Employment Projections Table 1.2 (sheet `Table 1.2` of
    occupation.xlsx), and the growth of all occupations, the average to compare with."""
    path = Path(path)
    by_soc: dict[str, Projection] = {}
    rows: dict[str, int] = {}
    average: float | None = None
    with open_table(path, PROJECTIONS, caps) as table:
        header, origin = table.header, table.header.origin
        years = _span(header.labels["growth"])
        for record in table.records:
            line_item, projection = _projection(record, years)
            if not line_item:
                average = projection.growth_percent if projection.soc == "00-0000" else average
                continue
            if projection.soc in rows:
                first = f"{'row' if origin.sheet else 'line'} {rows[projection.soc]}"
                raise record.error("code", f"{projection.soc} appears twice (first on {first})")
            rows[projection.soc], by_soc[projection.soc] = record.row, projection
        wage_year = _year(header.labels["wage"])
    if not by_soc:
        raise origin.error("no occupations (rows of Occupation type Line item)")
    return ProjectionTable(path, years, by_soc, average, wage_year and f"May {wage_year}")


def _wage_row(record: Record, year: str | None) -> tuple[str, Wage]:
    """A row's O_GROUP and its wage, every cell checked whatever the group."""
    group = _group(record)
    state = _state(record)
    annual_floor, hourly_floor = _top_codes(year)
    annual, annual_top = _oews_wage(record, "annual", annual_floor)
    hourly, hourly_top = _oews_wage(record, "hourly", hourly_floor)
    annual_only, hourly_only = _flag(record, "annual_only"), _flag(record, "hourly_only")
    soc, title = _soc(record), _title(record)
    wage = Wage(
        soc, title, annual, hourly, annual_top, hourly_top, annual_only, hourly_only, state, year
    )
    return group, wage


def _projection(record: Record, years: str) -> tuple[bool, Projection]:
    """Whether the row is a line item (else a summary), and what it says."""
    kind = (_text(record, "type") or "").casefold()
    if kind not in {"line item", "summary"}:
        raise record.error("type", f"expected Line item or Summary, got {shown(record['type'])}")
    wage, top_coded = _ep_wage(record)
    projection = Projection(
        soc=_soc(record),
        title=_title(record),
        growth_percent=_percent(record, "growth"),
        years=years,
        education=_category(record, "education"),
        experience=_category(record, "experience"),
        training=_category(record, "training"),
        median_wage=wage,
        median_wage_top_coded=top_coded,
    )
    return kind == "line item", projection


_GROUPS = {"total": "total", "major": "major", "minor": "minor", "broad": "broad"}
_GROUPS |= {"detailed": "detailed", "detail": "detailed"}  # "detail" in older files


def _group(record: Record) -> str:
    group = _GROUPS.get((_text(record, "group") or "").casefold())
    if group is None:
        expected = "total, major, minor, broad or detailed"
        raise record.error("group", f"expected {expected}, got {shown(record['group'])}")
    return group


def _state(record: Record) -> str | None:
    """The postal code of a state or territory row; None on a national one. Rows of an
    industry or of a metropolitan area are refused: those files repeat each occupation."""
    use = "use the national or the state wage file"
    industry = _text(record, "industry")
    if industry and industry.casefold() != "cross-industry":
        raise record.error("industry", f"expected cross-industry, got {shown(industry)}: {use}")
    area_type, state = _number(record["area_type"]), (_text(record, "state") or "").upper()
    if _text(record, "area_type") and area_type not in {1, 2, 3}:
        expected = "1 (U.S.), 2 (a state) or 3 (a territory)"
        raise record.error(
            "area_type", f"expected {expected}, got {shown(record['area_type'])}: {use}"
        )
    if area_type == 1 or (area_type is None and state in {"", "US"}):
        return None
    if not re.fullmatch(r"[A-Z]{2}", state):
        raise record.error("state", f"expected a state's postal code, got {shown(record['state'])}")
    return state


# Cells that mean "no figure": OEWS * (no wage estimate), ** (no employment estimate), ~
# (under 0.5% of establishments); EP's em dash; and spellings seen in exports.
_MISSING = {"", "*", "**", "~", "\u2014", "\u2013", "-", "n/a", "na", "not available"}
_MISSING |= {"annual not available", "hourly not available"}
_NUMBER = re.compile(r"[+-]?\$?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def _number(value: Cell) -> float | None:
    """A cell's number: an int or float, or text such as `1,234.50` (older files stored
    numbers as text); None when it holds no number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = value.strip().replace("\u2212", "-")
    return float(re.sub(r"[$,]", "", text)) if _NUMBER.fullmatch(text) else None


def _is_missing(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and value.strip().casefold() in _MISSING)


def _oews_wage(record: Record, key: str, top_code: float) -> tuple[float | None, bool]:
    value = record[key]
    if _is_missing(value):
        return None, False
    if isinstance(value, str) and value.strip() == "#":
        return top_code, True
    wage = _number(value)
    if wage is None or wage < 0:
        raise record.error(key, f"expected a wage, got {shown(value)}")
    return wage, False


def _ep_wage(record: Record) -> tuple[float | None, bool]:
    """EP's median wage, where `>=239,200` marks a top-coded one."""
    value = record["wage"]
    if _is_missing(value):
        return None, False
    floor = re.fullmatch(r"\s*(?:>=|\u2265)\s*(.+)", value) if isinstance(value, str) else None
    wage = _number(floor[1] if floor else value)
    if wage is None or wage < 0:
        raise record.error("wage", f"expected a wage, got {shown(value)}")
    return wage, floor is not None


def _percent(record: Record, key: str) -> float | None:
    value = record[key]
    if _is_missing(value):
        return None
    percent = _number(value.strip().removesuffix("%") if isinstance(value, str) else value)
    if percent is None:
        raise record.error(key, f"expected a percent, got {shown(value)}")
    return percent


def _flag(record: Record, key: str) -> bool:
    """OEWS's ANNUAL and HOURLY: TRUE (a boolean cell or its text) or blank."""
    value = record[key]
    text = "" if value is None else shown(value) if isinstance(value, bool) else str(value)
    if text.strip().casefold() in {"", "false", "no", "n", "0"}:
        return False
    if text.strip().casefold() in {"true", "yes", "y", "1", "x"}:
        return True
    raise record.error(key, f"expected TRUE or blank, got {shown(value)}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _text(record: Record, key: str) -> str | None:
    """A cell as one line of text, padding stripped; None when blank. Control characters
    are refused: they would reach a printed page or a terminal."""
    value = record[key]
    text = "" if value is None else shown(value) if isinstance(value, bool) else str(value)
    if bad := _CONTROL.search(text.strip()):
        raise record.error(key, f"control character U+{ord(bad[0]):04X} in {shown(text)}")
    return text.strip() or None


def shown(value: Cell) -> str:
    """A cell's value as a message quotes it: text in quotes (escaped, shortened)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return "TRUE" if value is True else "FALSE" if value is False else str(value)


def _soc(record: Record) -> str:
    code = _text(record, "code")
    if code is None or not re.fullmatch(r"\d\d-\d{4}", code):
        raise record.error("code", f"expected an occupation code like 29-2072, got {shown(code)}")
    return code


def _title(record: Record) -> str:
    title = _text(record, "title")
    if title is None:
        raise record.error("title", "no title")
    return title


def _category(record: Record, key: str) -> str | None:
    text = _text(record, key)
    return None if text is None or _is_missing(text) else text


def _oews_year(path: Path, sheet: str | None) -> str | None:
    """`May 2025` from a name like national_M2025_dl (the file's, else its sheet's)."""
    for name in (path.stem, sheet or ""):
        if found := re.search(r"(?:^|_)M(\d{4})(?:_|$)", name, re.IGNORECASE):
            return f"May {found[1]}"
    return None


def _top_codes(year: str | None) -> tuple[float, float]:
    if year is not None and int(year[-4:]) < 2023:
        return ANNUAL_TOP_CODE_BEFORE_2023, HOURLY_TOP_CODE_BEFORE_2023
    return ANNUAL_TOP_CODE, HOURLY_TOP_CODE


def _span(label: str) -> str:
    """A header's span of years in full: `2024-34` (any dash) becomes `2024-2034`. The
    growth column has one: every name it is matched by holds a span."""
    found = SPAN.search(plain_header(label))
    if not found:
        return ""
    start, end = int(found[1]), int(found[2])
    if end < 100:
        end += start // 100 * 100 + (100 if end < start % 100 else 0)
    return f"{start}-{end}"


def _year(label: str) -> str | None:
    """A header's year outside any span: `Median annual wage, dollars, 2024[1]` → 2024."""
    found = YEAR.search(SPAN.sub(" ", plain_header(label)))
    return found[0] if found else None


# "may" → 5, from the standard library's English month names.
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}


def month_of(period: str | None) -> str | None:
    """`May 2025` (the OEWS reference period) → `2025-05`, the profiles' `as_of`."""
    found = re.fullmatch(r"\s*([A-Za-z]+)\s+(\d{4})\s*", period or "")
    if not found or found.group(1).lower() not in _MONTHS:
        return None
    return f"{found.group(2)}-{_MONTHS[found.group(1).lower()]:02d}"


@dataclass(frozen=True)
class Figures:
    """This year's BLS sheets as an import or a refresh uses them, each optional: pay and
    growth by SOC code, and each occupation's pay by state (SOC → postal code → row)."""

    wages: Mapping[str, Wage] | None = None
    projections: Mapping[str, Projection] | None = None
    states: Mapping[str, Mapping[str, Wage]] | None = None
    wages_period: str | None = None  # `May 2025`
    years: str | None = None  # `2024-2034`
    average_growth: float | None = None  # all occupations, percent

    @property
    def wages_month(self) -> str | None:
        """`2025-05`: the profiles' `as_of`."""
        return month_of(self.wages_period)

    @property
    def wages_label(self) -> str | None:
        """`BLS OEWS May 2025`, as sources and facts name it."""
        if self.wages is None:
            return None
        return f"BLS OEWS {self.wages_period}" if self.wages_period else "BLS OEWS"


def read_figures(
    wages: Path | None = None,
    projections: Path | None = None,
    state_wages: Path | None = None,
    *,
    caps: Caps = DEFAULT_CAPS,
) -> Figures:
    """Read the sheets given; each is checked whole before anything uses it."""
    pay = read_wages(wages, caps=caps) if wages else None
    if pay is not None and not pay.by_soc:
        raise TableError("no national rows: a state file goes with --state-wages", path=pay.path)
    outlook = read_projections(projections, caps=caps) if projections else None
    states: dict[str, dict[str, Wage]] = {}
    if state_wages:
        table = read_wages(state_wages, caps=caps)
        if not table.by_state_soc:
            raise TableError("no state rows: the national file goes with --wages", path=table.path)
        for (state, soc), row in table.by_state_soc.items():
            states.setdefault(soc, {})[state] = row
    return Figures(
        wages=pay.by_soc if pay else None,
        projections=outlook.by_soc if outlook else None,
        states=states if state_wages else None,
        wages_period=pay.year if pay else None,
        years=outlook.years if outlook else None,
        average_growth=outlook.average_growth if outlook else None,
    )
