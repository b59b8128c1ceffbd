"""The template sandbox: what a layout's Jinja code may touch, as an allow-list.

A layout from elsewhere must be able to do nothing a static HTML page could not. Two
things make that hold whatever object a template is handed:

- The context is plain data. `plain()` turns models and dataclasses into `Record`s
  (read-only fields, no methods), lists into tuples, and refuses anything else, so a
  `Path`, a model with `model_dump`, or a bound method can never reach a template.
- `TemplateSandbox` allows, instead of forbidding: a record's fields, a few text
  methods, Jinja's own loop and macro helpers, and the callables this package marks
  safe (`SafeCallable`). Every other attribute and every other call is refused with
  a `SecurityError`, which the renderer reports at the template's file and line.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from typing import Any, NoReturn

from jinja2 import StrictUndefined, Undefined
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.runtime import BlockReference, LoopContext, Macro, TemplateReference
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from pydantic import BaseModel

from .slots import SafeCallable as SafeCallable  # re-exported: one place for the label rules
from .slots import SlotError as SlotError
from .slots import fill_slots as fill_slots

__all__ = [
    "Record",
    "SafeCallable",
    "SlotError",
    "TemplateSandbox",
    "fill_slots",
    "plain",
    "record_data",
]

PLAIN_TYPES = (str, int, float, bool, type(None))


class Record:
    """Read-only named fields of plain data: `profile.title`, `profile["title"]`.

    No methods of its own (`record_data` is a function), no way back to the object it
    was made from; truthy like the model it replaces, whatever its fields.
    """

    __slots__ = ("_fields", "_kind")
    _fields: Mapping[str, object]
    _kind: str

    def __init__(self, fields: Mapping[str, object], kind: str = "record") -> None:
        object.__setattr__(self, "_fields", types.MappingProxyType(dict(fields)))
        object.__setattr__(self, "_kind", kind)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._fields[name]

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a template record is read-only")

    def __eq__(self, other: object) -> bool:
        """Equal when the fields are, as the models they come from."""
        if not isinstance(other, Record):
            return NotImplemented
        return self._kind == other._kind and self._fields == other._fields

    def __hash__(self) -> int:
        return hash((self._kind, tuple(self._fields.items())))

    def __contains__(self, name: object) -> bool:
        return name in self._fields

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._fields.items())
        return f"{self._kind}({inner})"


def record_data(record: Record) -> dict[str, object]:
    """A record's fields as a dict: for filters that rebuild a model from a record.

    A function, not a method, so that no name of a record's own can stand beside its
    fields."""
    return dict(record._fields)


def _fields_of(value: object) -> list[str]:
    """The data fields of a model or dataclass: its own `template_fields` when it
    declares them (to leave out what a template must not see), else all of them,
    plus any `template_extras` (derived values such as `profile.key`)."""
    kind = type(value)
    names: tuple[str, ...] | None = getattr(kind, "template_fields", None)
    if names is None:
        if isinstance(value, BaseModel):
            names = tuple(type(value).model_fields)
        else:
            names = tuple(f.name for f in dataclasses.fields(value))  # type: ignore[arg-type]
    return [*names, *getattr(kind, "template_extras", ())]


def plain(value: object, _seen: dict[int, tuple[object, Any]] | None = None) -> Any:
    """`value` as data a template may hold: text, numbers, tuples, dicts and `Record`s.

    An object met twice becomes the same record both times (`profile.main_source` is
    one of `profile.sources`), so Jinja's `sameas` test still holds.

    Raises:
        TypeError: for anything else (a `Path`, a function, an open file): such a
            value must be turned into text first, on purpose, by the caller.
    """
    if isinstance(value, (*PLAIN_TYPES, Record)):
        return value
    seen = {} if _seen is None else _seen
    if id(value) in seen:
        return seen[id(value)][1]
    result: Any
    if isinstance(value, list | tuple):
        result = tuple(plain(item, seen) for item in value)
    elif isinstance(value, Mapping):
        result = {str(key): plain(item, seen) for key, item in value.items()}
    elif isinstance(value, BaseModel) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        fields = {name: plain(getattr(value, name), seen) for name in _fields_of(value)}
        result = Record(fields, type(value).__name__)
    else:
        raise TypeError(f"a {type(value).__name__} cannot be handed to a template")
    seen[id(value)] = (value, result)  # the value too: a freed object's id is reused
    return result


class RecordUndefined(StrictUndefined):
    """Strict about typos, naming a record by what it holds: `Profile has no field
    'titel'` rather than a Python class path."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        owner = self._undefined_obj
        if isinstance(owner, Record) and self._undefined_hint is None:
            return f"{owner._kind} has no field {self._undefined_name!r}"
        return str(super()._undefined_message)


# Text methods a template may call: they return new text or a list of text.
# Not `format`/`format_map` (they walk attributes), not padding methods that take a
# width (`center`, `ljust`, `zfill`: a memory bomb in one call).
TEXT_METHODS = frozenset(
    {
        "capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha",
        "isdigit", "islower", "isspace", "istitle", "isupper", "join", "lower", "lstrip",
        "partition", "removeprefix", "removesuffix", "replace", "rfind", "rpartition",
        "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
        "title", "upper",
    }
)  # fmt: skip
# Read-only views of a mapping (`limits`, or a `dict()` a template made).
MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
# Jinja's own helpers: loops, macros, blocks, imported templates, namespaces. They hold
# the template's own values; their private parts are refused by the underscore rule.
JINJA_HELPERS = (
    LoopContext,
    Macro,
    BlockReference,
    TemplateReference,
    TemplateModule,
    Namespace,
    Cycler,
    Joiner,
)


def _printable(value: Any) -> Any:
    """What `{{ … }}` may print: data, never a function or a method (whose text names
    Python internals and memory addresses)."""
    if callable(value) and not isinstance(value, Undefined | Record | str):
        raise SecurityError(f"a template cannot print a {type(value).__name__}, only data")
    return value


def _method_allowed(owner: object, name: str) -> bool | None:
    """Whether `owner.name` is on the allow-list; None when `owner` is none of the
    kinds that have one (text, mappings, the package's safe callables)."""
    if isinstance(owner, str):
        return name in TEXT_METHODS
    if isinstance(owner, dict):
        return name in MAPPING_METHODS
    if isinstance(owner, SafeCallable):
        return name in owner.template_methods
    return None


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed from a deny-list to an allow-list."""

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_printable, **options)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_") or not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, Record):
            return attr in obj._fields
        allowed = _method_allowed(obj, attr)
        return isinstance(obj, JINJA_HELPERS) if allowed is None else allowed

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, SafeCallable | Macro | BlockReference | LoopContext | Joiner):
            return True
        if any(obj is value for value in self.globals.values()):
            return True  # range (capped by the sandbox), dict, cycler, joiner, namespace, lipsum
        owner = getattr(obj, "__self__", None)
        name = getattr(obj, "__name__", "")
        if not isinstance(obj, types.MethodType | types.BuiltinMethodType) or name[:1] == "_":
            return False
        allowed = _method_allowed(owner, name)
        return isinstance(owner, LoopContext | Cycler) if allowed is None else allowed
