"""The types a profile's fields hold: text of bounded length, dates, addresses, and
figures that may be written in shorthand (a span of time, pay, growth)."""

from __future__ import annotations

import calendar
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

# Documented limits on one field: generous for any real career page, small enough that a
# hostile file cannot make a layout engine run for minutes (docs/SECURITY.md, "Bounded
# work"; bench/worst_case.py). A run of letters without a space costs WeasyPrint time that
# grows with the square of its length wherever a box is sized to its content (a table
# cell, a card, the running footer); the longest English word is 45 letters, a long German
# compound about 65, and an address belongs in a `url` field, which prints with break
# points. The limits on a profile as a whole are in `profile`.
MAX_TEXT = 4_000
MAX_RUN = 100
MAX_URL = 500

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


class Part(BaseModel):
    """A value made of fields: unknown keys are refused, so a misspelt one is named, and it
    cannot change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


_SPAN = re.compile(
    r"^\s*(?P<min>\d+(?:\.\d+)?)\s*(?:(?:-|\u2013|\u2014|to)\s*(?P<max>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>days?|weeks?|months?|years?|hours?)\b",
    re.IGNORECASE,
)


_MONTHS = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}


class Span(Part):
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


class Money(Part):
    """Pay as one figure (the median) or a range (`amount` to `max_amount`), in a
    currency, per year or per hour.

    Also written as text, `$50,250 per year`, `$23.50 per hour` or
    `$40,000 - $60,000 per year`, or a bare number (yearly, in US dollars).
    """

    amount: float = Field(gt=0, le=100_000_000)
    max_amount: float | None = Field(default=None, gt=0, le=100_000_000)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    period: Literal["year", "hour"] = "year"
    # The survey's top code (BLS prints `#`): the true figure is above `amount`, so it is
    # printed as "more than $239,200", never as if it were the median itself.
    at_least: bool = False

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


class Growth(Part):
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
