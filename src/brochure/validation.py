"""Pydantic validation errors turned into located, human-worded `Problem`s."""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import BrochureError, Problem
from .sourcemap import Document, problem_at

M = TypeVar("M", bound=BaseModel)


def validate(
    model: type[M], doc: Document, error: type[BrochureError], *, what: str = "fields"
) -> M:
    """Validate `doc.data` against `model`, collecting every problem before failing once."""
    if not isinstance(doc.data, dict):
        raise error(f"expected a mapping of {what}, got {_kind(doc.data)}", path=doc.path, line=1)
    try:
        return model.model_validate(doc.data)
    except ValidationError as err:
        problems: list[Problem] = []
        for detail in err.errors(include_url=False):
            loc = tuple(p for p in detail["loc"] if isinstance(p, int | str) and "[" not in str(p))
            message = _hint(loc, _message(model, detail), detail.get("input"))
            problems.append(problem_at(doc, loc, message))
        problems.sort(key=lambda p: (p.line or 0, p.field or ""))
        raise error(problems[0].message, path=doc.path, problems=problems) from None


def describe(model: type[BaseModel], err: ValidationError) -> str:
    """The first problem as `field[2].name: message`, for data that has no file yet."""
    detail = err.errors(include_url=False)[0]
    where = ""
    for part in detail["loc"]:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return f"{where.lstrip('.')}: {_message(model, detail)}"


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "nothing"
    return "text"


def _unwrap(annotation: Any) -> type[BaseModel] | None:
    """The model inside `list[X]`, `X | None` or `Annotated[X, ...]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in typing.get_args(annotation):
        found = _unwrap(inner)
        if found is not None:
            return found
    return None


def _model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that owns the fields at `loc`, for 'did you mean' hints."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if model else None
        if info is None:
            return None
        model = _unwrap(info.annotation)
    return model


def _message(root: type[BaseModel], error: ErrorDetails) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        loc = tuple(error["loc"])
        owner = _model_at(root, loc[:-1])
        hint = ""
        if owner is not None:
            close = difflib.get_close_matches(str(loc[-1]), list(owner.model_fields), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown field{hint}"
    if kind == "string_type":
        return f"expected text, got {_kind(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {_kind(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {_kind(value)}"
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"):
        return f"expected a number, got {_kind(value)} {value!r}"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"expected true or false, got {_kind(value)} {value!r}"
    bounds = {
        "greater_than": ("more than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than": ("less than", "lt"),
        "less_than_equal": ("at most", "le"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        limit = ctx.get(key)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"must be {words} {limit}, got {value!r}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        return f"text is longer than {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"has more than {ctx.get('max_length')} items"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {value!r}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not in the expected form"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


_FORMS = {
    "slug": "lowercase words joined by hyphens, e.g. 'registered-nurse'",
    "url": "an http(s) or mailto: address",
    "currency": "a three-letter code such as USD",
    "years": "a span of years such as 2024-2034",
    "lang": "a language code such as en or es",
    "name": "lowercase letters, digits and hyphens",
}


def _hint(loc: tuple[str | int, ...], message: str, value: Any) -> str:
    if message.endswith("is not in the expected form") and loc and str(loc[-1]) in _FORMS:
        return f"{value!r} is not valid: expected {_FORMS[str(loc[-1])]}"
    return message
