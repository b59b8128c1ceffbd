"""Profile + layout + paper → the merged HTML, with the print filters templates use."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, TypeVar, get_args

import jinja2
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from markupsafe import Markup
from pydantic import BaseModel

from .bookletspec import BookletSpec as BookletSpec  # re-exported: scripts import it here
from .bookletspec import Group as Group
from .errors import LayoutError
from .i18n import Messages, babel_locale, messages
from .layout import Layout, ListName
from .options import DEFAULT_OPTIONS as DEFAULT_OPTIONS  # re-exported: scripts import them here
from .options import RenderOptions as RenderOptions
from .profile import Growth, Money, Profile, Span
from .sandbox import Record, plain, record_data
from .states import state_name
from .templates import make_environment, template_error
from .theme import Theme

M = TypeVar("M", bound=BaseModel)


def _locale(lang: str) -> str:
    return babel_locale(lang)


def money(value: Money, lang: str = "en") -> str:
    """`$50,250` in English, `50.250 US$` in Spanish; cents only where they exist; ranges."""
    from babel import Locale

    amounts = [value.amount] if value.max_amount is None else [value.amount, value.max_amount]
    whole = all(float(a).is_integer() for a in amounts)
    locale = Locale.parse(_locale(lang))
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    if whole:
        pattern = pattern.replace("#,##0.00", "#,##0").replace("0.00", "0")
    shown = "\u2013".join(
        format_currency(a, value.currency, format=pattern, locale=locale, currency_digits=False)
        for a in amounts
    )
    if value.at_least:
        return _AT_LEAST.get(lang.split("-")[0], _AT_LEAST["en"]).format(shown)
    return shown


_AT_LEAST = {"en": "more than {}", "es": "más de {}"}  # a top-coded figure, as words


def percent(value: Growth, lang: str = "en") -> str:
    """Signed growth as the language writes percentages: `+7%` in English, `+7 %` in Spanish."""
    from babel import Locale

    pattern = Locale.parse(_locale(lang)).percent_formats[None].pattern.split(";")[0]
    text = format_percent(
        abs(value.percent) / 100, pattern.replace("#,##0", "#,##0.#"), locale=_locale(lang)
    )
    sign = "+" if value.percent > 0 else "\u2212" if value.percent < 0 else ""
    return f"{sign}{text}"


def number(value: float, lang: str = "en") -> str:
    """A plain number grouped as the language groups digits."""
    return format_decimal(value, locale=_locale(lang))


def duration(value: Span | Record | str | None) -> str:
    """A span exactly as the profile writes it (`4-24 months`): what people search for."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value.text)


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


def lines(texts: str | Iterable[str | None] | None, width: int) -> int:
    """About how many lines `texts` (one text, or a list; blanks count none) take at
    `width` characters a line, each text starting a line: a template's measure of how
    much room its content needs, to set sparse content larger (docs/DESIGN.md)."""
    items = [texts] if isinstance(texts, str) else list(texts or ())
    return sum(-(-len(text) // max(1, width)) for text in items if text)


def shares(columns: Iterable[Iterable[str | None]], width: int = 40) -> list[float]:
    """Each column's percent of the width the columns share, as a browser sizes columns
    to their text: in proportion to its longest cell, and never narrower than its
    longest word (and a little room) at `width` characters for the whole, which is
    about what the narrowest paper (half-letter, A5) gives them.

    Known before layout, the widths let WeasyPrint lay a table out with fixed columns:
    sizing them to their text itself took a fifth of a handout's layout time.
    """
    cells = [[text for text in column if text] for column in columns]
    longest = [max((len(text) for text in column), default=1) for column in cells]
    words = [max((len(w) for text in column for w in text.split()), default=1) for column in cells]
    floors = [100.0 * (word + 3) / max(1, width) for word in words]
    if sum(floors) >= 100.0:  # no room above the floors: share by them alone
        longest, floors = [round(f) for f in floors], [0.0] * len(floors)
    found = [0.0] * len(cells)
    free, left = set(range(len(cells))), 100.0
    while free:
        total = sum(longest[i] for i in free)
        below = {i for i in free if left * longest[i] / total < floors[i]}
        for i in below or free:
            found[i] = floors[i] if below else left * longest[i] / total
        left -= sum(found[i] for i in below)
        free = free - below if below else set()
    return [round(share, 1) for share in found]


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


def qr_data_uri(text: str, dark: str = "#000000") -> str:
    """A QR code of `text` as an SVG `data:` URI (error correction M, 4-module quiet zone)."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return str(code.svg_data_uri(scale=4, dark=dark, border=4, xmldecl=False, svgns=True))


def _lang_of(context: Any) -> str:
    return str(context.get("lang") or "en")


def _model(kind: type[M], value: object) -> M:
    """A model again from the plain record a template holds (or from its shorthand)."""
    return kind.model_validate(record_data(value) if isinstance(value, Record) else value)


@jinja2.pass_context
def _money(context: Any, value: object) -> str:
    return money(_model(Money, value), _lang_of(context))


@jinja2.pass_context
def _percent(context: Any, value: object) -> str:
    return percent(_model(Growth, value), _lang_of(context))


@jinja2.pass_context
def _number(context: Any, value: float) -> str:
    return number(value, _lang_of(context))


@jinja2.pass_context
def _as_of_date(context: Any, value: str | None) -> str:
    return as_of_date(value, _lang_of(context))


@jinja2.pass_context
def _css_content(context: Any, label: str, **counters: str) -> Markup:
    """A translated label with `{name}` slots as CSS `content`: quoted text around counters.

    `"Page {page} of {pages}" | css_content(page="counter(page)", pages="counter(pages)")`
    gives `"Page " counter(page) " of " counter(pages)`, in the reader's language.
    """
    text = context["_"](label)
    parts = re.split(r"\{(\w+)\}", text)
    out: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            if part not in counters or not re.fullmatch(r"[a-z-]+\([a-z-]+\)", counters[part]):
                raise ValueError(f"css_content: no CSS value given for {{{part}}}")
            out.append(counters[part])
        elif part:
            out.append(str(css_string(part)))
    return Markup(" ".join(out) or '""')


FILTERS: dict[str, Callable[..., Any]] = {
    "money": _money,
    "percent": _percent,
    "number": _number,
    "duration": duration,
    "as_of_date": _as_of_date,
    "paragraphs": paragraphs,
    "lines": lines,
    "shares": shares,
    "display_url": display_url,
    "break_url": break_url,
    "css_string": css_string,
    "css_content": _css_content,
    "qr": qr_data_uri,
    "state_name": state_name,
}


GRAY_PRIMARY = "#000000"
GRAY_ACCENT = "#555555"


def theme_style(theme: Theme, grayscale: bool) -> Markup:
    """The `<style>` a template puts after its stylesheets: theme colors and fonts.

    Colors become CSS custom properties (`--primary`, `--accent`) that layouts use
    with their own defaults; fonts become `@font-face` rules for the families
    `--heading-font` and `--body-font`.
    """
    rules: list[str] = []
    values: dict[str, str] = {}
    if grayscale:
        values = {"--primary": GRAY_PRIMARY, "--accent": GRAY_ACCENT}
    else:
        if theme.colors.primary:
            # Text on the primary band: light tints of the band color itself.
            values["--primary"] = theme.colors.primary
            values["--on-primary-muted"] = _mix(theme.colors.primary, 0.62)
            values["--on-primary-soft"] = _mix(theme.colors.primary, 0.86)
        if theme.colors.accent:
            values["--accent"] = theme.colors.accent
            values["--accent-soft"] = _mix(theme.colors.accent, 0.9)
    for role in ("heading", "body"):
        value = getattr(theme.fonts, role)
        if not value:
            continue
        file = theme.font_path(value)
        family = f"theme-{role}" if file else value
        if file:
            rules.append(
                f"@font-face {{ font-family: {css_string(family)}; "
                f"src: url({css_string(file.resolve().as_uri())}); }}"
            )
        values[f"--{role}-font"] = f"{css_string(family)}, var(--{role}-fallback, sans-serif)"
    if values:
        rules.append(":root { " + " ".join(f"{k}: {v};" for k, v in values.items()) + " }")
    if not rules:
        return Markup("")
    return Markup("<style>\n" + "\n".join(rules) + "\n</style>")


def _mix(color: str, white: float) -> str:
    """`color` mixed with `white` parts of white (0 to 1), as #rrggbb."""
    hex_digits = color.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(ch * 2 for ch in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(c + (255 - c) * white) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


@cache
def _environment(layout: Layout) -> jinja2.Environment:
    return make_environment(layout, FILTERS)


def forget_templates() -> None:
    """Drop compiled templates, for a long-lived process whose layout files changed."""
    _environment.cache_clear()


def label_lang(profile_lang: str, options: RenderOptions) -> str:
    return options.lang or profile_lang


def cut_lists(
    profile: Profile, limits: Mapping[str, int]
) -> tuple[dict[str, tuple[object, ...]], dict[str, int]]:
    """Each list of `profile` as a fit step's `limits` leave it, and how many items each
    lost (0 for a list without a limit), so that templates only loop and say so.

    The main source, the one a QR code points to, is always among the sources kept and
    counts towards their limit; the others keep their order.
    """
    shown: dict[str, tuple[object, ...]] = {}
    hidden: dict[str, int] = {}
    main = profile.main_source
    for name in get_args(ListName):
        items: list[object] = list(getattr(profile, name))
        limit = limits.get(name, len(items))
        kept = items[:limit]
        if name == "sources" and main is not None and 0 < limit < len(items):
            others = [item for item in items if item is not main][: limit - 1]
            kept = [item for item in items if item is main or any(item is o for o in others)]
        shown[name] = tuple(kept)
        hidden[name] = len(items) - len(kept)
    return shown, hidden


def render_html(
    profile: Profile,
    layout: Layout,
    paper: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    *,
    limits: Mapping[str, int] | None = None,
) -> str:
    """Merge one profile into a layout's template.

    The template sees `profile`, `paper`, `layout`, `theme`, `lang`, `grayscale`, the
    label function `_`, and what a fit step's `limits` leave of the profile's lists:
    `shown.<list>` (the items to print) and `hidden.<list>` (how many were left out),
    worked out here by `cut_lists`. Nothing global, so that a layout is a pure function
    of its inputs and golden files stay meaningful.

    Raises:
        LayoutError: a template mistake, at its file and line.
    """
    cut = dict(limits or {})
    shown, hidden = cut_lists(profile, cut)
    return _merge(
        layout,
        layout.template,
        paper,
        options,
        label_lang(profile.lang, options),
        profile=profile,
        limits=cut,
        shown=shown,
        hidden=hidden,
    )


def template_context(
    layout: Layout,
    paper: str | None,
    options: RenderOptions,
    lang: str,
    **context: object,
) -> dict[str, Any]:
    """Everything a template sees (docs/LAYOUTS.md): plain data from `sandbox.plain`,
    the label functions, and nothing else: no path, model or method. An object met in
    two values is one record (a source in `profile.sources` and in `shown.sources`), so
    Jinja's `sameas` holds across them."""
    labels: Messages = messages(lang, tuple(reversed(layout.folders)))
    seen: dict[int, tuple[object, Any]] = {}  # one record per object, across the values
    return {
        "paper": plain(layout.paper(paper), seen),
        "layout": plain(layout, seen),
        "theme": plain(options.theme, seen),
        "theme_style": theme_style(options.theme, options.grayscale),
        "grayscale": options.grayscale,
        "options": plain(options.for_templates(), seen),
        "lang": lang,
        "_": labels,
        "plural": labels.plural,
        **{key: plain(value, seen) for key, value in context.items()},
    }


def _merge(
    layout: Layout,
    name: str,
    paper: str | None,
    options: RenderOptions,
    lang: str,
    **context: object,
) -> str:
    """Render one of the layout's templates with the shared context and `context`."""
    values = template_context(layout, paper, options, lang, **context)
    try:
        template = _environment(layout).get_template(name)
        return template.render(values)
    except Exception as err:
        raise template_error(layout, err, name) from None


def render_booklet_html(
    spec: BookletSpec,
    layout: Layout,
    paper: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> str:
    """Merge many careers into a layout's booklet template: one document, one layout pass.

    Raises:
        LayoutError: the layout has no booklet template, or a template mistake.
    """
    if layout.booklet_template is None:
        raise LayoutError(f"layout '{layout.name}' cannot make booklets", path=layout.manifest)
    lang = options.lang or spec.lang
    return _merge(layout, layout.booklet_template, paper, options, lang, booklet=spec)
