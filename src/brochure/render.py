"""Profile + layout + paper → the merged HTML, with the print filters templates use."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup

from .errors import LayoutError
from .layout import Layout, make_environment, template_error
from .profile import Growth, Money, Profile, Span

_LOCALES = {"en": "en_US", "es": "es_US"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang.split("-")[0], lang.replace("-", "_"))


def money(value: Money, lang: str = "en") -> str:
    """`$50,250`, `$23.50` for an hourly wage (cents only where they exist), or a range."""
    amounts = [value.amount] if value.max_amount is None else [value.amount, value.max_amount]
    whole = all(float(a).is_integer() for a in amounts)
    pattern = "¤#,##0" if whole else "¤#,##0.00"
    return "\u2013".join(
        format_currency(
            a, value.currency, format=pattern, locale=_locale(lang), currency_digits=False
        )
        for a in amounts
    )


def percent(value: Growth, lang: str = "en") -> str:
    """Signed growth, `+7%` or `-3%`; a zero prints without a sign."""
    number = format_decimal(abs(value.percent), format="#,##0.#", locale=_locale(lang))
    sign = "+" if value.percent > 0 else "\u2212" if value.percent < 0 else ""
    return f"{sign}{number}%"


def duration(value: Span | str | None) -> str:
    """A span exactly as the profile writes it (`4-24 months`): what people search for."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value.text


def as_of_date(value: str | None, lang: str = "en") -> str:
    """`2024-05` → `May 2024`; `2024` stays `2024`."""
    if not value:
        return ""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    import datetime

    day = datetime.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    pattern = "MMMM y" if len(parts) == 2 else "MMMM d, y"
    return format_date(day, pattern, locale=_locale(lang))


def paragraphs(text: str | None) -> list[str]:
    """Blank-line separated paragraphs, each with its line breaks folded into spaces."""
    if not text:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def display_url(url: str) -> str:
    """An address as people read it on paper: no scheme, no `www.`, no trailing slash."""
    shown = re.sub(r"^(https?://|mailto:)", "", url)
    shown = re.sub(r"^www\.", "", shown)
    return shown.rstrip("/")


def break_url(url: str) -> str:
    """`display_url` with zero-width spaces after `/`, `.` and `-` so long addresses wrap."""
    return re.sub(r"([/.\-_?&=])", "\\1\u200b", display_url(url))


def css_string(value: object) -> Markup:
    """Any text as a quoted CSS string, every risky character escaped.

    Used for `content:` in `<style>` blocks, where HTML escaping does not apply and a
    stray quote or `</style>` must not end the string or the element.
    """
    out = "".join(
        ch if (ch.isalnum() and ch.isascii()) or ch in " .,:()" else f"\\{ord(ch):x} "
        for ch in str(value)
    )
    return Markup(f'"{out}"')


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "percent": percent,
    "duration": duration,
    "as_of_date": as_of_date,
    "paragraphs": paragraphs,
    "display_url": display_url,
    "break_url": break_url,
    "css_string": css_string,
}


@cache
def _environment(layout: Layout) -> jinja2.Environment:
    return make_environment(layout, FILTERS)


def forget_templates() -> None:
    """Drop compiled templates, for a long-lived process whose layout files changed."""
    _environment.cache_clear()


def render_html(profile: Profile, layout: Layout, paper: str | None = None) -> str:
    """Merge one profile into a layout's template.

    The template sees `profile`, `paper` and `layout` and nothing global, so that a
    layout is a pure function of its inputs and golden files stay meaningful.

    Raises:
        LayoutError: a template mistake, at its file and line.
    """
    return _merge(layout, layout.template, paper, profile=profile)


def _merge(layout: Layout, name: str, paper: str | None, **context: object) -> str:
    """Render one of the layout's templates with `paper`, `layout` and `context`."""
    sheet = layout.paper(paper)
    try:
        template = _environment(layout).get_template(name)
        return template.render(paper=sheet, layout=layout, **context)
    except Exception as err:
        raise template_error(layout, err, name) from None


@dataclass(frozen=True)
class Group:
    """Careers shown together under one heading (a career cluster)."""

    index: int
    name: str
    careers: tuple[Profile, ...]


@dataclass(frozen=True)
class BookletSpec:
    """What the booklet template is given besides the paper and the layout."""

    title: str
    careers: tuple[Profile, ...]
    groups: tuple[Group, ...]
    grouped: bool = False
    subtitle: str | None = None
    date: str | None = None

    @property
    def lang(self) -> str:
        return self.careers[0].lang if self.careers else "en"

    @property
    def as_of(self) -> str | None:
        """The newest date of figures among the careers, for the colophon."""
        dates = [p.as_of for p in self.careers if p.as_of]
        return max(dates) if dates else None


def render_booklet_html(spec: BookletSpec, layout: Layout, paper: str | None = None) -> str:
    """Merge many careers into a layout's booklet template: one document, one layout pass.

    Raises:
        LayoutError: the layout has no booklet template, or a template mistake.
    """
    if layout.booklet_template is None:
        raise LayoutError(f"layout '{layout.name}' cannot make booklets", path=layout.manifest)
    return _merge(layout, layout.booklet_template, paper, booklet=spec)
