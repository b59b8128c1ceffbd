"""The career profile format: pydantic models, `load_profile`, and its JSON Schema."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from .errors import ProfileError
from .sourcemap import Document, load_yaml, problem_at
from .validation import validate

# Documented limits: generous for any real career page, small enough that a hostile
# file cannot make a layout engine run for minutes.
MAX_TEXT = 4_000
MAX_ITEMS = 40
MAX_TAGS = 8  # a row of labels under the summary, as career pages set them
# What bounds layout time (docs/SECURITY.md, "Bounded work"; bench/worst_case.py). A run of
# letters without a space costs WeasyPrint time that grows with the square of its length
# wherever a box is sized to its content (a table cell, a card, the running footer);
# the longest English word is 45 letters, a long German compound about 65, and an
# address belongs in a `url` field, which prints with break points. All the text of a
# profile together is bounded too: the longest built-in profile has 4,400 characters,
# and six handout pages at the tightest hold about 25,000.
MAX_RUN = 100
MAX_TOTAL_TEXT = 20_000
MAX_URL = 500

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_URL = r"^(https?://|mailto:)[^\s<>\"]+$"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A run ends at a space; scripts written without spaces (Chinese, Japanese, Korean, Thai,
# Lao, Khmer, Myanmar) break between their own characters and are not runs.
_SPACELESS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
_RUN = re.compile(rf"[^ \t\n\r{_SPACELESS}]{{{MAX_RUN + 1},}}")


def _no_blank(value: Any) -> Any:
    """Trimmed text; control characters (escape, bell, NUL) are refused, not printed:
    they draw nothing on paper and can rewrite a terminal that shows the text."""
    if isinstance(value, str):
        value = value.strip()
        if found := _CONTROL.search(value):
            raise ValueError(
                f"contains the control character U+{ord(found.group()):04X}, which cannot be "
                "printed; remove it"
            )
    return value


def _no_long_run(value: str) -> str:
    """Refuse a run without a space longer than a line: its layout cost grows with the
    square of its length (checked after the length limit, which is reported first)."""
    if found := _RUN.search(value):
        raise ValueError(
            f"has {len(found.group())} characters without a space; at most {MAX_RUN} "
            "fit on a line: add spaces, or put an address in a url field"
        )
    return value


# Each kind of text has a limit of its own: a few times the longest the built-in library
# and the O*NET data hold, and no more than the box it prints in can take. A duration
# prints in a narrow column, a title in display type; an over-long one there is not
# content but a way to make a layout run for a minute (bench/worst_case.py).
Text = Annotated[
    str,
    BeforeValidator(_no_blank),
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(_no_long_run),
]
"""Flowing text that may run over pages: continuing education, a note."""
Paragraph = Annotated[
    str,
    BeforeValidator(_no_blank),
    StringConstraints(min_length=1, max_length=1_500),
    AfterValidator(_no_long_run),
]
"""One paragraph in a box of its own: the summary, a step's description."""
Item = Annotated[
    str,
    BeforeValidator(_no_blank),
    StringConstraints(min_length=1, max_length=600),
    AfterValidator(_no_long_run),
]
"""A list item or card text: a duty, a related career's blurb."""
Name = Annotated[
    str,
    BeforeValidator(_no_blank),
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_no_long_run),
]
"""A line or two: a work setting, a certification, a source's title or publisher."""
Title = Annotated[
    str,
    BeforeValidator(_no_blank),
    StringConstraints(min_length=1, max_length=150),
    AfterValidator(_no_long_run),
]
"""A heading in display type: the career, a step, a related career."""
Short = Annotated[
    str,
    BeforeValidator(_no_blank),
    StringConstraints(min_length=1, max_length=60),
    AfterValidator(_no_long_run),
]
"""A label: a duration or growth rating in a narrow column, a cluster in an eyebrow line."""
Url = Annotated[str, StringConstraints(pattern=_URL, max_length=MAX_URL)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


_SPAN = re.compile(
    r"^\s*(?P<min>\d+(?:\.\d+)?)\s*(?:(?:-|\u2013|\u2014|to)\s*(?P<max>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>days?|weeks?|months?|years?|hours?)\b",
    re.IGNORECASE,
)


_MONTHS = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}


class Span(_Model):
    """A length of time as written ("4-24 months"), and in months where it reads as one.

    The text is what prints, exactly as written; `min_months` and `max_months` let
    tools sort, filter or translate it ("2-4 years" is 24 to 48 months).
    """

    text: Short
    min_months: float | None = Field(default=None, ge=0)
    max_months: float | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"expected a length of time such as '{value} months', got a number")
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            if "min_months" not in value and "max_months" not in value:
                return {**cls._months(value["text"]), **value}
            return value
        if not isinstance(value, str):
            return value
        return {"text": value, **cls._months(value)}

    @staticmethod
    def _months(text: str) -> dict[str, float]:
        found = _SPAN.match(text)
        if not found or found["unit"].lower().rstrip("s") not in _MONTHS:
            return {}
        scale = _MONTHS[found["unit"].lower().rstrip("s")]
        low = float(found["min"])
        high = float(found["max"]) if found["max"] else low
        return {"min_months": round(low * scale, 2), "max_months": round(high * scale, 2)}

    @model_validator(mode="after")
    def _in_order(self) -> Span:
        low, high = self.min_months, self.max_months
        if low is not None and high is not None and high < low:
            raise ValueError("max_months must not be below min_months")
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        full = handler(core_schema)
        return {"anyOf": [{"type": "string", "examples": ["4-24 months", "2 years"]}, full]}


def _as_of(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not found:
        raise ValueError("expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = found.groups()
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"month {month} does not exist")
    if day and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        raise ValueError(f"day {day} does not exist in {year}-{month}")
    return value.strip()


AsOf = Annotated[str, BeforeValidator(_as_of)]


_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_MONEY = re.compile(
    r"^\s*(?P<cur>[$€£])?\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?:(?:-|\u2013|\u2014|to)\s*[$€£]?\s*(?P<high>\d[\d,]*(?:\.\d+)?)\s*)?"
    r"(?P<code>[A-Z]{3})?\s*"
    r"(?:(?:per|/|an?|each)\s*(?P<period>year|yr|annum|hour|hr)\b\.?)?\s*$",
    re.IGNORECASE,
)
_GROWTH = re.compile(r"^\s*(?P<percent>[-+\u2212]?\d+(?:\.\d+)?)\s*%\s*(?P<rating>.*?)\s*$")


def _shorthand_schema(example: str, handler: Any, core_schema: Any) -> dict[str, Any]:
    return {"anyOf": [{"type": ["string", "number"], "examples": [example]}, handler(core_schema)]}


class Money(_Model):
    """Pay as one figure (the median) or a range (`amount` to `max_amount`), in a
    currency, per year or per hour.

    Also written as text, `$50,250 per year`, `$23.50 per hour` or
    `$40,000 - $60,000 per year`, or a bare number (yearly, in US dollars).
    """

    amount: float = Field(gt=0, le=100_000_000)
    max_amount: float | None = Field(default=None, gt=0, le=100_000_000)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    period: Literal["year", "hour"] = "year"

    @model_validator(mode="after")
    def _range_in_order(self) -> Money:
        if self.max_amount is not None and self.max_amount < self.amount:
            raise ValueError("max_amount must not be below amount")
        return self

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"amount": value}
        if not isinstance(value, str):
            return value
        found = _MONEY.match(value)
        if not found:
            raise ValueError(f"expected pay such as '$50,250 per year', got {value!r}")
        period = (found["period"] or "year").lower()
        high = float(found["high"].replace(",", "")) if found["high"] else None
        return {
            "amount": float(found["amount"].replace(",", "")),
            "max_amount": high,
            "currency": found["code"] or _SYMBOLS.get(found["cur"] or "$", "USD"),
            "period": "hour" if period.startswith("h") else "year",
        }

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return _shorthand_schema("$50,250 per year", handler, core_schema)


class Growth(_Model):
    """Projected change in employment over ten years, and the rating word shown with it."""

    percent: float = Field(ge=-100, le=1_000)
    rating: Short | None = None
    years: Annotated[str, StringConstraints(pattern=r"^\d{4}\s*[-\u2013]\s*\d{4}$")] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        """`+7% Very Good` or a bare number of percent."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"percent": value}
        if not isinstance(value, str):
            return value
        found = _GROWTH.match(value)
        if not found:
            raise ValueError(f"expected growth such as '+7% Very Good', got {value!r}")
        percent = float(found["percent"].replace("\u2212", "-"))
        return {"percent": percent, "rating": found["rating"] or None}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return _shorthand_schema("+7% Very Good", handler, core_schema)


class Facts(_Model):
    """The key-facts panel; `source` names where the figures come from."""

    source: Name | None = None
    median_pay: Money | None = None
    job_growth: Growth | None = None
    education: Title | None = None
    time_to_start: Span | None = None


class Step(_Model):
    """One step on the path into the career."""

    title: Title
    description: Paragraph | None = None
    duration: Span | None = None


class Certification(_Model):
    """A credential: `Certified Professional Coder (CPC) - AAPC (entry-level)`."""

    name: Name
    abbreviation: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None
    issuer: Name | None = None
    note: Name | None = None
    url: Url | None = None


class Source(_Model):
    """A publication or organisation the facts and advice come from."""

    title: Name
    url: Url | None = None
    publisher: Name | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)


class Related(_Model):
    """Another career or guide worth reading next."""

    title: Title
    blurb: Item | None = None
    slug: Annotated[str, StringConstraints(pattern=_SLUG)] | None = None
    url: Url | None = None


class Note(_Model):
    """A free-form section that has no field of its own (kept rather than dropped)."""

    heading: Title
    text: Text


def _items() -> Any:
    return Field(default_factory=list, max_length=MAX_ITEMS)


class Profile(_Model):
    """One career, everything a printed career page shows.

    Templates see its fields and `key` and `main_source` (see `sandbox.plain`).
    """

    template_extras: ClassVar[tuple[str, ...]] = ("key", "main_source")

    slug: Annotated[str, StringConstraints(pattern=_SLUG, max_length=80)] | None = None
    title: Title
    summary: Paragraph | None = None
    cluster: Short | None = None
    tags: list[Short] = Field(default_factory=list, max_length=MAX_TAGS)
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] = "en"
    as_of: AsOf | None = None
    facts: Facts = Field(default_factory=Facts)
    work_settings: list[Name] = _items()
    duties: list[Item] = _items()
    pathway: list[Step] = _items()
    continuing_education: Text | None = None
    certifications: list[Certification] = _items()
    sources: list[Source] = _items()
    related: list[Related] = _items()
    notes: list[Note] = _items()

    _path: Path | None = PrivateAttr(default=None)
    _translation: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _default_slug(self) -> Profile:
        if self.slug is None:
            object.__setattr__(self, "slug", slugify(self.title))
        return self

    @property
    def path(self) -> Path | None:
        """The YAML file this profile was loaded from, if any."""
        return self._path

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file this profile was read from: the profile, then its translation."""
        return tuple(p for p in (self._path, self._translation) if p is not None)

    @property
    def main_source(self) -> Source | None:
        """The first source with an address: where a QR code on the page points."""
        return next((source for source in self.sources if source.url), None)

    @property
    def key(self) -> str:
        """The slug, always set (derived from the title when the file has none)."""
        assert self.slug is not None
        return self.slug


class Translation(_Model):
    """A profile's text in another language: `<name>.<lang>.yaml` beside the profile.

    Any field may be given; what is left out is taken from the profile. Figures
    (pay, growth) and the slug always come from the profile, so the two cannot
    disagree; the words around them (education, rating) may be translated.
    """

    title: Title | None = None
    summary: Paragraph | None = None
    cluster: Short | None = None
    tags: list[Short] | None = Field(default=None, max_length=MAX_TAGS)
    facts: Facts | None = None
    work_settings: list[Name] | None = Field(default=None, max_length=MAX_ITEMS)
    duties: list[Item] | None = Field(default=None, max_length=MAX_ITEMS)
    pathway: list[Step] | None = Field(default=None, max_length=MAX_ITEMS)
    continuing_education: Text | None = None
    certifications: list[Certification] | None = Field(default=None, max_length=MAX_ITEMS)
    sources: list[Source] | None = Field(default=None, max_length=MAX_ITEMS)
    related: list[Related] | None = Field(default=None, max_length=MAX_ITEMS)
    notes: list[Note] | None = Field(default=None, max_length=MAX_ITEMS)


_TRANSLATION_NAME = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$")


def translation_of(path: Path) -> tuple[str, str] | None:
    """(`name`, `lang`) when `path` is a translation file such as `nurse.es.yaml`."""
    found = _TRANSLATION_NAME.match(path.stem)
    return (found["stem"], found["lang"]) if found else None


def translation_path(path: Path, lang: str) -> Path | None:
    """The translation of the profile at `path` into `lang` (or its base language)."""
    for code in dict.fromkeys([lang, lang.split("-")[0]]):
        for suffix in (".yaml", ".yml"):
            candidate = path.with_name(f"{path.stem}.{code}{suffix}")
            if candidate.is_file():
                return candidate
    return None


def translate(profile: Profile, path: Path, lang: str) -> Profile:
    """`profile` with the text of the translation file at `path`, in language `lang`."""
    doc = load_yaml(path)
    found = validate(Translation, doc, ProfileError, what="translated profile fields")
    update: dict[str, Any] = {k: getattr(found, k) for k in found.model_fields_set}
    if found.facts is not None:
        words = {k: getattr(found.facts, k) for k in found.facts.model_fields_set}
        for figure in ("median_pay", "job_growth"):
            if figure in words and getattr(profile.facts, figure) is not None:
                value = getattr(profile.facts, figure)
                rating = getattr(words[figure], "rating", None)
                words[figure] = value.model_copy(update={"rating": rating}) if rating else value
        update["facts"] = profile.facts.model_copy(update=words)
    update["lang"] = lang
    result = profile.model_copy(update=update)
    result._path = profile.path
    result._translation = path
    return result


def slugify(text: str) -> str:
    """`"EMT & Paramedic"` → `"emt-paramedic"`: the file name a profile gets by default."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "career"


def validate_data(doc: Document) -> Profile:
    """Turn loaded YAML into a `Profile`, reporting every problem at once."""
    profile = validate(Profile, doc, ProfileError, what="profile fields")
    _check_total_text(doc)
    profile._path = doc.path
    return profile


def _texts(
    value: Any, where: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value of loaded YAML with the field path it is at, in file order."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*where, index))


def _check_total_text(doc: Document) -> None:
    """Refuse a profile whose text together is more than any layout can print in a few
    seconds, at the field where the total passes `MAX_TOTAL_TEXT`: each field may be
    within its own limit while forty of them make a hundred pages."""
    total = 0
    for where, text in _texts(doc.data):
        total += len(text)
        if total > MAX_TOTAL_TEXT:
            problem = problem_at(
                doc,
                where,
                f"the profile's text passes {MAX_TOTAL_TEXT:,} characters here, more than "
                "a six-page handout holds; shorten it or split it into two careers",
            )
            raise ProfileError(problem.message, path=doc.path, problems=[problem])


def load_profile(path: str | Path, lang: str | None = None) -> Profile:
    """Read and validate one profile file, in `lang` when it has a translation into it.

    Raises:
        ProfileError: with one `Problem` per mistake, each at its file and line.
    """
    path = Path(path)
    profile = validate_data(load_yaml(path))
    if lang is not None and lang != profile.lang:
        translated = translation_path(path, lang)
        if translated is not None:
            return translate(profile, translated, lang)
    return profile


def profile_schema() -> dict[str, Any]:
    """JSON Schema of the profile format, for editors' completion and checks."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "brochure career profile"
    return schema
