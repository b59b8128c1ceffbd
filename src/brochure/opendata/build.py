"""One O*NET occupation and its BLS figures as a career profile's data.

Words come from O*NET (title, description, tasks, related occupations); figures and the
typical entry education from BLS. What the data does not hold is left out (the layouts
leave out an empty section) or, for the pathway and the time to start, estimated from the
typical education and labelled as an estimate. The growth word is the brochure's own,
against the all-occupations average, and says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..profile import slugify
from .onet import EDUCATION_LEVELS, Occupation

MAX_DUTIES = 8
MAX_RELATED = 5

# O*NET's "Required Level of Education" categories, as a brochure prints them when BLS
# gives no typical entry education.
ONET_EDUCATION = {
    "less-than-high-school": "Less than high school",
    "high-school": "High school diploma or equivalent",
    "postsecondary-certificate": "Postsecondary certificate",
    "some-college": "Some college, no degree",
    "associate": "Associate's degree",
    "bachelor": "Bachelor's degree",
    "post-baccalaureate-certificate": "Post-baccalaureate certificate",
    "master": "Master's degree",
    "post-master-certificate": "Post-master's certificate",
    "first-professional": "Doctoral or professional degree",
    "doctoral": "Doctoral or professional degree",
    "post-doctoral": "Doctoral or professional degree",
}

# Typical entry education (BLS's words, lower case) → the estimated time in school, and the
# pathway's education step. Editorial: BLS does not publish durations.
_CERTIFICATE = "Complete a postsecondary certificate program"
SCHOOLING: dict[str, tuple[str | None, str | None]] = {
    "no formal educational credential": (None, None),
    "less than high school": (None, None),
    "high school diploma or equivalent": (None, None),
    "postsecondary nondegree award": (
        "1-24 months",
        "Complete a postsecondary certificate program",
    ),
    "postsecondary certificate": ("1-24 months", "Complete a postsecondary certificate program"),
    "some college, no degree": ("1-2 years", "Take college courses in the field"),
    "associate's degree": ("2 years", "Earn an associate's degree"),
    "bachelor's degree": ("4 years", "Earn a bachelor's degree"),
    "post-baccalaureate certificate": ("4-5 years", "Earn a bachelor's degree and a certificate"),
    "master's degree": ("5-6 years", "Earn a bachelor's and a master's degree"),
    "post-master's certificate": ("5-7 years", "Earn a master's degree and a certificate"),
    "doctoral or professional degree": ("7-12 years", "Earn a doctoral or professional degree"),
}

# The brochure's growth words, by how far a job's growth is from the average of all jobs
# (percentage points). BLS's own words have cut-offs it does not publish.
GROWTH_WORDS: tuple[tuple[float, str], ...] = (
    (5.0, "Much faster than average"),
    (1.5, "Faster than average"),
    (-1.5, "As fast as average"),
    (-4.0, "Slower than average"),
)


class WageFigures(Protocol):
    """What the builder reads of a BLS wage row (national or one state's)."""

    @property
    def annual_median(self) -> float | None: ...
    @property
    def hourly_median(self) -> float | None: ...
    @property
    def annual_top_coded(self) -> bool: ...
    @property
    def hourly_top_coded(self) -> bool: ...


class ProjectionFigures(Protocol):
    """What the builder reads of a BLS Employment Projections row."""

    @property
    def growth_percent(self) -> float | None: ...
    @property
    def education(self) -> str | None: ...


@dataclass(frozen=True)
class Context:
    """What is the same for every occupation of one import."""

    release: str | None  # O*NET's, `30.3`
    wages_month: str | None = None  # `2025-05`: the OEWS reference month, the profiles' as_of
    wages_label: str | None = None  # `BLS OEWS May 2025`
    projection_years: str | None = None  # `2024-2034`
    average_growth: float | None = None  # all occupations, percent
    clusters: Mapping[str, str] | None = None  # O*NET-SOC → cluster
    titles: Mapping[str, str] | None = None  # O*NET-SOC → title, for related careers
    imported: frozenset[str] = frozenset()  # O*NET-SOC codes written by this import


def growth_word(percent: float, average: float | None) -> str | None:
    """The brochure's word for `percent` against the average; below every bin, a decline."""
    if average is None:
        return None
    gap = percent - average
    for floor, word in GROWTH_WORDS:
        if gap >= floor:
            return word
    return "Little or no change" if percent > -1 else "Decline"


def pay(wage: WageFigures | None) -> dict[str, Any] | None:
    """The median as a profile writes it: yearly where BLS has it, else hourly; a
    top-coded figure (`#`) as at least its floor."""
    if wage is None:
        return None
    if wage.annual_median is not None:
        return _money(wage.annual_median, "year", wage.annual_top_coded)
    if wage.hourly_median is not None:
        return _money(wage.hourly_median, "hour", wage.hourly_top_coded)
    return None


def figure(number: float, places: int) -> float | int:
    """Rounded, and whole numbers as integers (`12`, not `12.0`, in the file)."""
    rounded = round(number, places)
    return int(rounded) if rounded.is_integer() else rounded


def _money(amount: float, period: str, top: bool) -> dict[str, Any]:
    money: dict[str, Any] = {"amount": figure(amount, 2), "period": period}
    if top:
        money["at_least"] = True
    return money


def _sentence(text: str) -> str:
    """A task as a duty: the brochure's duties carry no closing full stop."""
    return text.strip().rstrip(".")


def education_of(occupation: Occupation, projection: ProjectionFigures | None) -> str | None:
    if projection is not None and projection.education:
        return projection.education.strip()
    level = occupation.typical_education
    return ONET_EDUCATION[EDUCATION_LEVELS[level]] if level is not None else None


def pathway(education: str | None) -> list[dict[str, Any]]:
    """Steps estimated from the typical entry education, each saying it is an estimate."""
    if education is None:
        return []
    span, step = SCHOOLING.get(education.lower(), (None, None))
    steps: list[dict[str, Any]] = []
    if education.lower() not in ("no formal educational credential", "less than high school"):
        steps.append({"title": "Finish high school or earn a GED"})
    if step is not None:
        entry: dict[str, Any] = {
            "title": step,
            "description": "Typical time estimated from the usual education for this job; "
            "programs vary.",
        }
        if span:
            entry["duration"] = span
        steps.append(entry)
    steps.append(
        {
            "title": "Start work and learn on the job",
            "description": "Employers train new workers; ask which licenses or "
            "certifications your state asks for.",
        }
    )
    return steps


def _title_of(code: str, context: Context) -> str | None:
    return (context.titles or {}).get(code)


def related(occupation: Occupation, context: Context) -> list[dict[str, Any]]:
    found = []
    for code in occupation.related[:MAX_RELATED]:
        title = _title_of(code, context)
        if title is None:
            continue
        item: dict[str, Any] = {"title": title, "url": onet_url(code)}
        if code in context.imported:
            item["slug"] = slugify(title)
        found.append(item)
    return found


def onet_url(code: str) -> str:
    return f"https://www.onetonline.org/link/summary/{code}"


def sources(occupation: Occupation, context: Context) -> list[dict[str, Any]]:
    """The student-facing page first: it becomes the brochure's QR code."""
    code, soc = occupation.code, occupation.soc
    found: list[dict[str, Any]] = [
        {
            "title": f"My Next Move - {occupation.title}",
            "url": f"https://www.mynextmove.org/profile/summary/{code}",
            "publisher": "U.S. Department of Labor, Employment and Training Administration",
        },
        {
            "title": f"O*NET OnLine - {occupation.title}"
            + (f" (O*NET {context.release})" if context.release else ""),
            "url": onet_url(code),
            "publisher": "National Center for O*NET Development",
        },
    ]
    if context.wages_label:
        found.append(oews_source(context.wages_label, soc))
    if context.projection_years:
        found.append(projections_source(context.projection_years))
    return found


BLS = "U.S. Bureau of Labor Statistics"
OEWS_PAGES = "https://www.bls.gov/oes/"
EP_PAGE = "https://www.bls.gov/emp/tables/occupational-projections-and-characteristics.htm"
GROWTH_NOTE = "growth words are this brochure's, against the average of all jobs"


def oews_source(label: str, soc: str) -> dict[str, Any]:
    """The occupation's page of the OEWS release the pay is from."""
    url = f"{OEWS_PAGES}current/oes{soc.replace('-', '')}.htm"
    return {"title": f"{label}: {soc}", "url": url, "publisher": BLS}


def projections_source(years: str) -> dict[str, Any]:
    return {"title": f"BLS Employment Projections {years}", "url": EP_PAGE, "publisher": BLS}


def facts_source(context: Context) -> str:
    parts = [p for p in (context.wages_label, _ep(context), _onet(context)) if p]
    return "; ".join(parts) + (f"; {GROWTH_NOTE}" if context.average_growth is not None else "")


def state_pay(
    states: Mapping[str, WageFigures] | None, national: Mapping[str, Any]
) -> dict[str, Any]:
    """Each state's median by postal code, where it has the national figure's period: a
    state's figure is printed beside the national one."""
    found = {code: pay(row) for code, row in sorted((states or {}).items())}
    return {
        code: money
        for code, money in found.items()
        if money is not None and money["period"] == national["period"]
    }


def attribution(context: Context) -> str:
    """The licence statement O*NET's CC BY 4.0 licence asks for, with the modification
    notice (tasks selected, steps and wording added), and the BLS credit lines."""
    lines = []
    if context.wages_label:
        lines.append(f"Pay: U.S. Bureau of Labor Statistics, {context.wages_label}.")
    if context.projection_years:
        lines.append(
            "Job outlook and typical education: U.S. Bureau of Labor Statistics, "
            f"Employment Projections {context.projection_years}."
        )
    release = f"O*NET {context.release}" if context.release else "O*NET"
    lines.append(
        f"This brochure includes information from the {release} Database by the U.S. "
        "Department of Labor, Employment and Training Administration (USDOL/ETA). Used under "
        "the CC BY 4.0 license (creativecommons.org/licenses/by/4.0). O*NET® is a trademark "
        "of USDOL/ETA. The publisher of this brochure has modified all or some of this "
        "information (tasks selected, steps and wording added). USDOL/ETA has not approved, "
        "endorsed, or tested these modifications."
    )
    return " ".join(lines)


def _ep(context: Context) -> str | None:
    years = context.projection_years
    return f"BLS Employment Projections {years}" if years else None


def _onet(context: Context) -> str:
    return f"O*NET {context.release}" if context.release else "O*NET"


def profile_data(
    occupation: Occupation,
    context: Context,
    wage: WageFigures | None = None,
    projection: ProjectionFigures | None = None,
    states: Mapping[str, WageFigures] | None = None,
) -> dict[str, Any]:
    """The profile's data, in the order a person reads a profile file. `states` are
    the occupation's state wage rows by postal code."""
    education = education_of(occupation, projection)
    facts: dict[str, Any] = {"source": facts_source(context)}
    if (money := pay(wage)) is not None:
        facts["median_pay"] = money
        if by_state := state_pay(states, money):
            facts["state_pay"] = by_state
    if projection is not None and projection.growth_percent is not None:
        growth: dict[str, Any] = {"percent": figure(projection.growth_percent, 1)}
        if (word := growth_word(projection.growth_percent, context.average_growth)) is not None:
            growth["rating"] = word
        if context.projection_years:
            growth["years"] = context.projection_years
        facts["job_growth"] = growth
    if education:
        facts["education"] = education
        span = SCHOOLING.get(education.lower(), (None, None))[0]
        if span:
            facts["time_to_start"] = span
    data: dict[str, Any] = {
        "slug": slugify(occupation.title),
        "title": occupation.title,
        "summary": occupation.description,
        "cluster": (context.clusters or {}).get(occupation.code),
        "as_of": context.wages_month,
        "codes": {"onet": occupation.code, "soc": occupation.soc},
        "facts": facts,
        "duties": [_sentence(t) for t in occupation.tasks[:MAX_DUTIES]],
        "pathway": pathway(education),
        "sources": sources(occupation, context),
        "related": related(occupation, context),
        "attribution": attribution(context),
    }
    return {key: value for key, value in data.items() if value not in (None, [], {})}


def codes_wanted(text: Sequence[str]) -> set[str]:
    """`--only 29-2072.00,47-2111` → the codes, checked."""
    found = set()
    for item in text:
        for code in re.split(r"[,\s]+", item.strip()):
            if code:
                found.add(code)
    return found
