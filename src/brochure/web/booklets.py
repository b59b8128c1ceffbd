"""The booklet builder: careers picked from the library, in order, made into one booklet.

A visitor's picks live on the server under a random session cookie, so they survive a
reload (not a restart of the server). A booklet is built like `brochure booklet` builds
one: each career laid out in the server's capped workers, kept between requests, and the
parts joined; a booklet of careers already laid out is joined without laying out again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..booklet import BookletReport
from ..errors import BrochureError
from ..options import RenderOptions
from .edit import read_form

if TYPE_CHECKING:
    from .app import Site

SESSION_COOKIE = "brochure_session"
MAX_CAREERS = 400  # more than any fair's table; a bigger request is refused, not queued
MAX_SESSIONS = 1000


@dataclass
class Picks:
    """One visitor's booklet: careers in order, the cover, and the last one built."""

    slugs: list[str] = field(default_factory=list)
    title: str = "Career Booklet"
    subtitle: str = ""
    date: str = ""
    grouped: bool = False
    paper: str = ""
    saddle: bool = False
    built: BookletReport | None = None


def _site(request: Request) -> Site:
    return request.app.state.site  # type: ignore[no-any-return]


def picks_of(request: Request) -> Picks:
    site = _site(request)
    session = request.cookies.get(SESSION_COOKIE, "")
    found = site.picks.get(session)
    if found is None:
        found = Picks()
        if len(site.picks) >= MAX_SESSIONS:
            site.picks.pop(next(iter(site.picks)))  # the oldest visitor's picks go first
        session = secrets.token_urlsafe(18)
        site.picks[session] = found
        request.scope["brochure.session"] = session
    # Careers no longer in the library (renamed in an edit) drop out.
    found.slugs = [s for s in found.slugs if s in site.catalog.by_slug]
    return found


def with_session(request: Request, response: Response) -> Response:
    session = request.scope.get("brochure.session")
    if session:
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
    return response


def _back(request: Request, default: str = "/booklet") -> Response:
    target = request.query_params.get("next") or default
    if not target.startswith("/") or target.startswith("//"):
        target = default  # never a redirect to another site
    return with_session(request, RedirectResponse(target, status_code=303))


async def add(request: Request) -> Response:
    site = _site(request)
    form = await read_form(request)
    picks = picks_of(request)
    slug = form.get("slug", "")
    title = site.card(slug).title
    if slug not in picks.slugs:
        if len(picks.slugs) >= MAX_CAREERS:
            raise HTTPException(400, f"a booklet holds at most {MAX_CAREERS} careers")
        picks.slugs.append(slug)
    if request.headers.get("hx-request") == "true":
        page = site.page(request, "_pick.html.j2", slug=slug, title=title, picks=picks)
        return with_session(request, page)
    return _back(request)


async def change(request: Request) -> Response:
    """Remove a career or move it one place up or down."""
    form = await read_form(request)
    picks = picks_of(request)
    slug, action = form.get("slug", ""), form.get("action", "")
    if slug not in picks.slugs:
        raise HTTPException(400, "that career is not in the booklet")
    at = picks.slugs.index(slug)
    if action == "remove":
        picks.slugs.pop(at)
    elif action in ("up", "down"):
        to = at - 1 if action == "up" else at + 1
        if 0 <= to < len(picks.slugs):
            picks.slugs[at], picks.slugs[to] = picks.slugs[to], picks.slugs[at]
    else:
        raise HTTPException(400, "action: one of remove, up, down")
    return _back(request)


async def page(request: Request) -> Response:
    site = _site(request)
    picks = picks_of(request)
    cards = [site.catalog.by_slug[s] for s in picks.slugs]
    papers = site.layouts["handout"].papers
    view = site.page(request, "booklet.html.j2", picks=picks, cards=cards, papers=papers)
    return with_session(request, view)


def _settings(form: dict[str, str], picks: Picks, papers: tuple[str, ...]) -> None:
    picks.title = (form.get("title") or "Career Booklet").strip()[:120]
    picks.subtitle = (form.get("subtitle") or "").strip()[:200]
    picks.date = (form.get("date") or "").strip()[:60]
    picks.grouped = form.get("group") == "cluster"
    paper = form.get("paper") or ""
    if paper and paper not in papers:
        raise HTTPException(400, f"paper: one of {', '.join(papers)}")
    picks.paper = paper
    picks.saddle = form.get("impose") == "saddle"


async def _build(site: Site, picks: Picks) -> BookletReport:
    """The picks as a booklet: its careers in the server's workers, each under the caps."""
    return await site.renderer.booklet(
        tuple(site.catalog.by_slug[s].path for s in picks.slugs),
        layout="handout",
        title=picks.title,
        subtitle=picks.subtitle or None,
        date=picks.date or None,
        group_by="cluster" if picks.grouped else None,
        paper=picks.paper or None,
        impose="saddle" if picks.saddle else None,
        options=RenderOptions(theme=site.theme),
    )


async def build(request: Request) -> Response:
    site = _site(request)
    form = await read_form(request)
    picks = picks_of(request)
    _settings(form, picks, site.layouts["handout"].papers)
    if not picks.slugs:
        raise HTTPException(400, "add careers to the booklet first")
    try:
        picks.built = await _build(site, picks)
    except BrochureError as err:
        raise HTTPException(422, f"the booklet cannot be made: {err.message}") from None
    return _back(request, "/booklet?built=1")


async def download(request: Request) -> Response:
    picks = picks_of(request)
    if picks.built is None:
        raise HTTPException(404, "no booklet has been built yet")
    name = "booklet-sheets.pdf" if picks.saddle else "booklet.pdf"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(picks.built.data, media_type="application/pdf", headers=headers)


async def api_build(request: Request) -> Response:
    """`POST /api/booklets` with JSON `{"careers": [slugs], "title": …}`: the PDF."""
    site = _site(request)
    body = await request.body()
    if len(body) > 256 * 1024:
        raise HTTPException(413, "the request is larger than 256 KiB")
    try:
        data: Any = json.loads(body or b"{}")
    except ValueError:
        raise HTTPException(400, "the body is not JSON") from None
    slugs = data.get("careers") if isinstance(data, dict) else None
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs) or not slugs:
        raise HTTPException(400, "careers: a list of career slugs")
    if len(slugs) > MAX_CAREERS:
        raise HTTPException(400, f"a booklet holds at most {MAX_CAREERS} careers")
    picks = Picks(slugs=[site.card(s).slug for s in dict.fromkeys(slugs)])
    fields = {k: str(v) for k, v in data.items() if k != "careers"}
    _settings(fields, picks, site.layouts["handout"].papers)
    try:
        report = await _build(site, picks)
    except BrochureError as err:
        raise HTTPException(422, f"the booklet cannot be made: {err.message}") from None
    return Response(report.data, media_type="application/pdf")
