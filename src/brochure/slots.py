"""Labels' named slots, filled safely: `Page {page}` with `page=3`.

Apart from `sandbox` (which imports Jinja) so that reading options and languages, which
every command does, need not load a template engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar


class SafeCallable:
    """A callable this package hands to templates on purpose (the label function).

    Its `template_methods` may be called too (`plural`); nothing else of it is reachable.
    """

    template_methods: ClassVar[frozenset[str]] = frozenset()


class SlotError(ValueError):
    """A label's slots asked for more than a plain name and a plain value."""


_SLOT = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def fill_slots(text: str, values: Mapping[str, object]) -> str:
    """`Page {page}` with `page=3` → `Page 3`: named slots only, plain values only.

    Unlike `str.format`, a slot cannot reach an attribute or an item (`{p.__class__}`),
    and a value must be text or a number, so a label can never print an object's
    insides. `{{` and `}}` stand for braces.

    Raises:
        SlotError: a slot that is not a plain name, has no value, or whose value is
            not text or a number.
    """

    def one(found: re.Match[str]) -> str:
        token = found.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = found.group(1)
        if name is None or not name.isidentifier():
            raise SlotError(f"label {text[:80]!r}: slots are plain names such as {{count}}")
        if name not in values:
            raise SlotError(f"label {text[:80]!r}: no value given for {{{name}}}")
        value = values[name]
        if not isinstance(value, str | int | float):
            raise SlotError(
                f"label {text[:80]!r}: {{{name}}} takes text or a number, "
                f"not a {type(value).__name__}"
            )
        return str(value)

    return _SLOT.sub(one, text)
