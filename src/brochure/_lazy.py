"""A package's names loaded on first use (PEP 562): importing `brochure`, `brochure.batch`
or `brochure.pdf` costs nothing until a name is used, so a command loads only what it does."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The `__getattr__` of `package`: each name in `where` from its submodule, kept in
    the package once imported."""

    def get(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{where[name]}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    return get
