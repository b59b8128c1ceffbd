"""Labels in the reader's language: message catalogs, and Babel locales for numbers and dates.

A catalog is a YAML mapping from the English label to its translation. The package ships
the words every layout shares (`messages/<lang>.yaml` beside this module); a layout adds
its own in `<layout>/messages/<lang>.yaml`, which win. A label with no translation prints
in English, so a partial catalog degrades gracefully; the tests hold the built-in ones
complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import LayoutError
from .slots import SafeCallable, fill_slots
from .sourcemap import load_yaml

LANGUAGES = {"en": "English", "es": "Español"}
"""Languages whose labels ship with every built-in layout."""

_MESSAGES = Path(__file__).resolve().parent / "messages"
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def valid_lang(lang: str) -> bool:
    """A BCP 47 tag of the simple kind profiles and the command line use: `es`, `es-MX`."""
    return bool(_LANG.match(lang))


def babel_locale(lang: str) -> str:
    """`en` → `en_US` (the figures are US figures); `es` → `es`; `es-MX` → `es_MX`."""
    if lang == "en":
        return "en_US"
    return lang.replace("-", "_")


@cache
def _catalog(path: Path) -> Mapping[str, str]:
    if not path.is_file():
        return {}
    doc = load_yaml(path, error=LayoutError)
    data = doc.data
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise LayoutError("a message catalog maps English labels to translated text", path=path)
    return dict(data)


def forget_catalogs() -> None:
    """Drop loaded catalogs, for a long-lived process whose layout files changed."""
    _catalog.cache_clear()


@dataclass(frozen=True)
class Messages(SafeCallable):
    """The labels of one language for one layout: `messages("Median Salary")`.

    Templates call it as `_`; slots are filled by `slots.fill_slots`, never by
    `str.format`, because the label text and the values come from the template.
    """

    template_methods = frozenset({"plural"})

    lang: str
    table: Mapping[str, str]

    def __call__(self, label: str, /, **values: object) -> str:
        text = self.table.get(label, label)
        return fill_slots(text, values) if values else text

    def plural(self, one: str, many: str, count: int, /, **values: object) -> str:
        """`one` or `many` by `count` (English and Spanish both have two forms)."""
        return self(one if count == 1 else many, count=count, **values)


def messages(lang: str, layout_folders: tuple[Path, ...] = ()) -> Messages:
    """Labels for `lang` (a region falls back to its language: `es-MX` → `es`)."""
    table: dict[str, str] = {}
    for code in dict.fromkeys([lang.split("-")[0], lang]):
        if code == "en":
            continue
        table.update(_catalog(_MESSAGES / f"{code}.yaml"))
        for folder in layout_folders:
            table.update(_catalog(folder / "messages" / f"{code}.yaml"))
    return Messages(lang, table)


Translate = Callable[..., str]
