"""Editing a profile on the web page: check as you type, save, undo, never lose the text.

The editor is the profile's own YAML, checked against the same rules as the command line
(problems at their line and field). A form generated from the JSON Schema was the other
choice; YAML keeps every profile editable whatever it holds (notes, translations,
comments a counselor wrote), and a problem's line number points at the text in front of
the person. Built-in profiles are never written: saving one writes a copy into the save
folder, which then stands in for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..catalog import card_of
from ..editing import (
    MAX_PROFILE_BYTES,
    EditConflictError,
    check_text,
    previous_path,
    save_profile,
    undo_save,
    version_of,
)
from ..errors import BrochureError, ProfileError
from ..resources import profiles_dir

if TYPE_CHECKING:
    from .app import Site

MAX_FORM_BYTES = MAX_PROFILE_BYTES * 2  # the text, URL-encoded, and a few fields


async def read_form(request: Request, limit: int = MAX_FORM_BYTES) -> dict[str, str]:
    """An URL-encoded form, refused (413) past `limit` bytes before it is all read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request is larger than {limit // 1024} KiB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the request is larger than {limit // 1024} KiB")
    try:
        fields = parse_qs(body.decode(), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "the form could not be read") from None
    return {name: values[0] for name, values in fields.items()}


def is_builtin(path: Path) -> bool:
    return path.resolve().is_relative_to(profiles_dir().resolve())


def _site(request: Request) -> Site:
    return request.app.state.site  # type: ignore[no-any-return]


def _target(site: Site, source: Path) -> Path:
    """Where a save goes: the file itself, or for a built-in profile its copy."""
    return site.save_folder / source.name if is_builtin(source) else source


def _editor(
    request: Request, slug: str, text: str, version: str, status: int = 200, **values: Any
) -> Response:
    site = _site(request)
    card = site.card(slug)
    target = _target(site, card.path)
    _, problems = check_text(text, card.path)
    return site.page(
        request,
        "edit.html.j2",
        status=status,
        card=card,
        text=text,
        version=version,
        problems=values.pop("problems", problems),
        builtin=is_builtin(card.path),
        target=target,
        can_undo=previous_path(target).is_file(),
        **values,
    )


async def edit_page(request: Request) -> Response:
    site = _site(request)
    card = site.card(request.path_params["slug"])
    target = _target(site, card.path)
    source = target if target.is_file() else card.path
    data = source.read_bytes()
    # A copy that does not exist yet has no version: the save must create it.
    version = version_of(data) if source == target else ""
    return _editor(request, card.slug, data.decode("utf-8", "replace"), version)


async def check(request: Request) -> Response:
    """The problems list for the text as typed so far (swapped in under the editor)."""
    site = _site(request)
    card = site.card(request.path_params["slug"])
    form = await read_form(request)
    _, problems = check_text(form.get("text", ""), card.path)
    return site.page(request, "_problems.html.j2", problems=problems)


async def save(request: Request) -> Response:
    site = _site(request)
    card = site.card(request.path_params["slug"])
    form = await read_form(request)
    text, version = form.get("text", ""), form.get("version", "")
    target = _target(site, card.path)
    if is_builtin(card.path):
        site.save_folder.mkdir(parents=True, exist_ok=True)
    try:
        saved = save_profile(target, text, expected=version or None)
    except EditConflictError as err:
        theirs = target.read_bytes()
        return _editor(
            request,
            card.slug,
            text,
            version_of(theirs),
            status=409,
            conflict=str(err.message),
            theirs=theirs.decode("utf-8", "replace"),
        )
    except ProfileError as err:
        return _editor(request, card.slug, text, version, status=422, problems=err.problems)
    if saved.profile.key != card.slug:
        site.catalog.cards = [c for c in site.catalog.cards if c.slug != card.slug]
        site.catalog.by_slug.pop(card.slug, None)
    site.catalog.put(card_of(saved.profile, saved.path))
    note = "copied" if is_builtin(card.path) else "saved"
    return RedirectResponse(f"/careers/{saved.profile.key}?{note}=1", status_code=303)


async def undo(request: Request) -> Response:
    site = _site(request)
    card = site.card(request.path_params["slug"])
    await read_form(request)
    target = _target(site, card.path)
    try:
        saved = undo_save(target)
    except BrochureError as err:
        raise HTTPException(409, err.message) from None
    site.catalog.put(card_of(saved.profile, saved.path))
    return RedirectResponse(f"/careers/{saved.profile.key}?undone=1", status_code=303)


async def import_page(request: Request) -> Response:
    return _site(request).page(request, "import.html.j2", pasted="", problems=[], warnings=[])


async def import_text(request: Request) -> Response:
    """A pasted career page read into a profile, shown for review before it is saved."""
    import datetime

    from ..importer import parse_page, to_yaml

    site = _site(request)
    form = await read_form(request)
    pasted = form.get("page", "")
    try:
        imported = parse_page(pasted, "pasted page")
    except BrochureError as err:
        return site.page(
            request, "import.html.j2", status=422, pasted=pasted, problems=err.problems, warnings=[]
        )
    text = to_yaml(imported.data, "pasted page", datetime.date.today().isoformat())
    slug = str(imported.data.get("slug") or "")
    target = site.save_folder / f"{slug}.yaml"
    _, problems = check_text(text, target)
    return site.page(
        request,
        "import.html.j2",
        pasted=pasted,
        text=text,
        target=target,
        exists=target.exists() or slug in site.catalog.by_slug,
        problems=problems,
        warnings=imported.warnings,
    )


async def import_save(request: Request) -> Response:
    """Save a reviewed import as a new profile in the save folder (never over one)."""
    site = _site(request)
    form = await read_form(request)
    text = form.get("text", "")
    profile, problems = check_text(text, site.save_folder / "new.yaml")
    if profile is None:
        return site.page(
            request,
            "import.html.j2",
            status=422,
            pasted="",
            text=text,
            target=site.save_folder,
            exists=False,
            problems=problems,
            warnings=[],
        )
    if profile.key in site.catalog.by_slug:
        raise HTTPException(409, f"the library already has a career '{profile.key}'; edit that one")
    site.save_folder.mkdir(parents=True, exist_ok=True)
    try:
        saved = save_profile(site.save_folder / f"{profile.key}.yaml", text, expected=None)
    except EditConflictError:
        raise HTTPException(409, f"{profile.key}.yaml already exists in the save folder") from None
    site.catalog.put(card_of(saved.profile, saved.path))
    return RedirectResponse(f"/careers/{saved.profile.key}?saved=1", status_code=303)
