"""The career profile format: its sections as pydantic models (the types of single fields
are in `fields`), `load_profile`, and its JSON Schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import Field, PrivateAttr, StringConstraints, model_validator

from .errors import ProfileError
from .fields import (
    AsOf,
    Growth,
    Item,
    Money,
    Name,
    Paragraph,
    Part,
    Short,
    Span,
    Text,
    Title,
    Url,
)
from .sourcemap import Document, load_yaml, problem_at
from .validation import validate

__all__ = [
    "MAX_ITEMS",
    "MAX_TAGS",
    "MAX_TOTAL_TEXT",
    "Certification",
    "Facts",
    "Growth",
    "Money",
    "Note",
    "Profile",
    "Related",
    "Source",
    "Span",
    "Step",
    "Translation",
    "load_profile",
    "profile_schema",
    "slugify",
    "translate",
    "translation_of",
    "translation_path",
    "validate_data",
]

# Documented limits on a profile as a whole; each field has its own (`fields`). Each list
# and all the text together are bounded, so that forty fields each within its limit cannot
# make a hundred pages (docs/SECURITY.md, "Bounded work"; bench/worst_case.py): the longest
# built-in profile has 4,400 characters, and six handout pages at the tightest hold about
# 25,000.
MAX_ITEMS = 40
MAX_TAGS = 8  # a row of labels under the summary, as career pages set them
MAX_TOTAL_TEXT = 20_000

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Facts(Part):
    """The key-facts panel; `source` names where the figures come from."""

    source: Name | None = None
    median_pay: Money | None = None
    job_growth: Growth | None = None
    education: Title | None = None
    time_to_start: Span | None = None
    # Each state's median where BLS estimates one (postal code → pay), for `--state`.
    state_pay: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")], Money] = Field(
        default_factory=dict, max_length=60
    )


class Step(Part):
    """One step on the path into the career."""

    title: Title
    description: Paragraph | None = None
    duration: Span | None = None


class Certification(Part):
    """A credential: `Certified Professional Coder (CPC) - AAPC (entry-level)`."""

    name: Name
    abbreviation: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None
    issuer: Name | None = None
    note: Name | None = None
    url: Url | None = None


class Source(Part):
    """A publication or organisation the facts and advice come from."""

    title: Name
    url: Url | None = None
    publisher: Name | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)


class Related(Part):
    """Another career or guide worth reading next."""

    title: Title
    blurb: Item | None = None
    slug: Annotated[str, StringConstraints(pattern=SLUG_PATTERN)] | None = None
    url: Url | None = None


class Note(Part):
    """A free-form section that has no field of its own (kept rather than dropped)."""

    heading: Title
    text: Text


def _items() -> Any:
    return Field(default_factory=list, max_length=MAX_ITEMS)


class Codes(Part):
    """The occupation codes a career is filed under, so a later import or a yearly refresh
    of the figures finds it: O*NET-SOC (`29-2072.00`) and SOC (`29-2072`)."""

    onet: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}\.\d{2}$")] | None = None
    soc: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}$")] | None = None


class Profile(Part):
    """One career, everything a printed career page shows.

    Templates see its fields and `key` and `main_source` (see `sandbox.plain`).
    """

    template_extras: ClassVar[tuple[str, ...]] = ("key", "main_source")

    slug: Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)] | None = None
    title: Title
    summary: Paragraph | None = None
    cluster: Short | None = None
    tags: list[Short] = Field(default_factory=list, max_length=MAX_TAGS)
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] = "en"
    as_of: AsOf | None = None
    codes: Codes = Field(default_factory=Codes)
    facts: Facts = Field(default_factory=Facts)
    work_settings: list[Name] = _items()
    duties: list[Item] = _items()
    pathway: list[Step] = _items()
    continuing_education: Text | None = None
    certifications: list[Certification] = _items()
    sources: list[Source] = _items()
    related: list[Related] = _items()
    notes: list[Note] = _items()
    # The licence statement of data the profile is made from (O*NET's CC BY 4.0 text and
    # its modification notice): printed with the sources, once per booklet.
    attribution: Text | None = None

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


class Translation(Part):
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
