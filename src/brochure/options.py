"""Run options: how to print, beyond the profile, the layout and the paper.

One frozen object travels from the edge (the command line, a script, a web form) to
the renderer. Its cache key, its manifest entry and what templates see of it are
derived from its fields, so a new option cannot be left out of any of them; and the
rules about which options go together live here, so every caller gets the same checks.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import OptionsError
from .i18n import valid_lang
from .icc import OutputIntent
from .paper import MARKS, PDF_VARIANTS, format_length
from .states import STATES
from .theme import PLAIN, Theme

Token = Callable[["RenderOptions"], object]


def _how(*, key: Token, shown: Token | None = None, template: bool = True) -> dict[str, Any]:
    """Field metadata for a value that is not plain data: how it goes into the cache key
    and the manifest (`shown`, the key when left out), and whether templates see it."""
    return {"key": key, "shown": shown or key, "template": template}


def _theme_path(options: RenderOptions) -> str | None:
    return str(options.theme.path) if options.theme.path else None


def _hashed_apart(options: RenderOptions) -> None:
    """The theme's files are hashed into the cache key apart (`batch.theme_digest`), by
    content: the same theme elsewhere makes the same PDF, key included."""


def _intent_digest(options: RenderOptions) -> str | None:
    # The profile's bytes, not its path: a shop's updated profile renders again.
    return options.output_intent.digest if options.output_intent else None


def _intent_path(options: RenderOptions) -> str | None:
    return str(options.output_intent.path) if options.output_intent else None


@dataclass(frozen=True)
class RenderOptions:
    """How to print, beyond layout and paper: whose theme, which language, and ink.

    `lang` is the language of the labels (and of the content, when the profile has a
    translation into it); None means the profile's own language. `allow_remote`
    lets layouts and profiles load http(s) resources (off: nothing leaves the machine).
    `pdf_variant` is the standard the PDF declares; None means PDF/X-4 with an output
    intent and tagged PDF/UA-1 otherwise (`variant` says which). `attach_source` carries
    the profile and theme files inside the PDF, so that a copy found later can be made
    again. `bleed` (PDF points) and `marks` (`paper.MARKS`) are for a print shop: bands
    that touch the paper's edge run on past it by the bleed, and marks show where to
    cut. `output_intent` is the print shop's own ICC profile, for PDF/X-4 in place of
    sRGB. `qr` off leaves the QR codes out (the addresses stay printed). `state` (a
    postal code) prints that state's median pay beside the national one, where a
    profile has it. `stale_after` (years; 0 never) is the age of a profile's figures
    past which a render warns (`stale`).

    A new field of plain data (text, a number, a flag, a tuple of those) needs nothing
    more here: the cache key, the manifest and the templates (`options.NAME`) have it.

    Raises:
        OptionsError: options that cannot go together.
    """

    theme: Theme = field(
        default=PLAIN, metadata=_how(key=_hashed_apart, shown=_theme_path, template=False)
    )
    lang: str | None = None
    grayscale: bool = False
    allow_remote: bool = False
    pdf_variant: str | None = field(
        default=None, metadata=_how(key=lambda options: options.variant)
    )
    attach_source: bool = False
    bleed: float = field(
        default=0.0,
        metadata=_how(
            key=lambda options: round(options.bleed, 4),
            shown=lambda options: format_length(options.bleed) if options.bleed else None,
        ),
    )
    marks: tuple[str, ...] = ()
    output_intent: OutputIntent | None = field(
        default=None, metadata=_how(key=_intent_digest, shown=_intent_path, template=False)
    )
    qr: bool = True
    state: str | None = None
    stale_after: float = 2.0

    def __post_init__(self) -> None:
        if self.state is not None and self.state not in STATES:
            raise OptionsError(
                f"--state: a US state's postal code such as IL or VA, got {self.state!r}"
            )
        if not 0 <= self.stale_after <= 100:
            raise OptionsError(f"--stale-after: years from 0 to 100, got {self.stale_after:g}")
        if self.lang is not None and not valid_lang(self.lang):
            raise OptionsError(
                f"--lang: expected a language tag such as es or es-MX, got {self.lang!r}"
            )
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            raise OptionsError(
                f"unknown PDF variant {self.pdf_variant!r} (one of {', '.join(PDF_VARIANTS)})"
            )
        if any(mark not in MARKS for mark in self.marks):
            raise OptionsError(f"unknown marks {self.marks!r} (crop, cross)")
        if self.output_intent is not None and self.pdf_variant not in (None, "pdf/x-4"):
            raise OptionsError(
                f"--output-intent cannot go with --pdf-variant {self.pdf_variant}: a print "
                "shop's ICC profile is the output intent of a PDF/X-4 file (leave out "
                "--pdf-variant)"
            )
        if self.attach_source and self.variant.startswith("pdf/x"):
            chosen = "--pdf-variant pdf/x-4" if self.pdf_variant else "--output-intent (PDF/X-4)"
            raise OptionsError(
                f"--attach-source cannot go with {chosen}: print-shop PDF/X files "
                "carry no attachments (use pdf/ua-1 or pdf/a-3b)"
            )

    @property
    def variant(self) -> str:
        """The PDF standard the file declares, the default resolved."""
        if self.pdf_variant is not None:
            return self.pdf_variant
        return "pdf/x-4" if self.output_intent is not None else PDF_VARIANTS[0]

    def cache_key(self) -> str:
        """Every field as canonical JSON: what the options add to an output's cache key."""
        return json.dumps({name: value for name, value in self._tokens("key")}, sort_keys=True)

    def to_manifest(self) -> dict[str, object]:
        """Every field as the manifest records it (paths as text, the bleed in mm)."""
        return dict(self._tokens("shown"))

    def for_templates(self) -> dict[str, object]:
        """The fields templates see as `options` (not the theme, which they get whole as
        `theme`, nor the ICC profile's bytes)."""
        return {
            f.name: _plain(f.name, getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.metadata.get("template", True)
        }

    def _tokens(self, kind: str) -> list[tuple[str, object]]:
        tokens = []
        for f in dataclasses.fields(self):
            how = f.metadata.get(kind)
            value = how(self) if how else _plain(f.name, getattr(self, f.name))
            tokens.append((f.name, value))
        return tokens


def _plain(name: str, value: object) -> object:
    """A plain field's value as JSON data; anything else must say how in its metadata."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, tuple | list):
        return [_plain(name, item) for item in value]
    raise TypeError(
        f"RenderOptions.{name} holds a {type(value).__name__}: give the field metadata "
        "saying how it goes into the cache key and the manifest (see _how)"
    )


DEFAULT_OPTIONS = RenderOptions()
