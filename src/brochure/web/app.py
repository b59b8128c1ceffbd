"""`brochure serve`: the counselor's web page over the same library the command line uses.

Pages are rendered on the server (Jinja); a little htmx swaps results and previews in
place, and every page also works as plain links and forms. Brochures come from one
`Renderer`: the capped worker pool, warm between requests, with a cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .._version import __version__
from ..batch.workers import Caps
from ..catalog import SORTS, Card, Catalog, Query, load_catalog, valid_slug
from ..errors import BrochureError, printable
from ..freshness import layout_digest
from ..i18n import LANGUAGES
from ..layout import Layout, builtin_layouts, find_layout
from ..options import RenderOptions
from ..states import STATES
from ..theme import PLAIN, Theme
from . import booklets, edit, themes
from .booklets import Picks
from .security import Guard, csrf_token, is_loopback
from .service import Brochure, PreviewJob, Renderer

HERE = Path(__file__).resolve().parent
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class ServeConfig:
    """What `brochure serve` was started with."""

    paths: tuple[Path, ...] = ()  # profile files and folders; none: the built-in library
    theme: Theme = PLAIN
    host: str = "127.0.0.1"
    token: str | None = None
    jobs: int = 2
    caps: Caps = field(default_factory=Caps)
    save_to: Path | None = None  # where edited copies of built-in profiles go
    layouts: tuple[Path, ...] = ()  # layout folders of one's own, offered beside the built-in


@dataclass(frozen=True)
class Look:
    """What a career page's controls choose: the brochure as it will print."""

    layout: str = "handout"
    paper: str = ""
    lang: str = ""
    grayscale: bool = False
    themed: bool = True
    state: str = ""  # a postal code: that state's pay beside the national

    def query(self, **changes: Any) -> str:
        look = replace(self, **changes)
        pairs = {"layout": look.layout, "paper": look.paper, "lang": look.lang}
        pairs |= {"state": look.state}
        pairs |= {"grayscale": "1" if look.grayscale else "", "theme": "1" if look.themed else "0"}
        return urlencode({k: v for k, v in pairs.items() if v})


def _look(params: Mapping[str, str], layouts: Mapping[str, Layout]) -> tuple[Look, Layout]:
    """The controls from a query string, each checked against what exists (400 if not)."""
    name = params.get("layout") or "handout"
    if name not in layouts:
        raise HTTPException(400, f"unknown layout {name!r} (available: {', '.join(layouts)})")
    layout = layouts[name]
    paper = params.get("paper") or layout.papers[0]
    if paper not in layout.papers:
        raise HTTPException(400, f"the {name} layout prints on {', '.join(layout.papers)}")
    lang = params.get("lang") or ""
    if lang and lang not in LANGUAGES:
        raise HTTPException(400, f"unknown language {lang!r} (available: {', '.join(LANGUAGES)})")
    state = (params.get("state") or "").upper()
    if state and state not in STATES:
        raise HTTPException(400, f"state: a US state's postal code such as IL, not {state[:8]!r}")
    look = Look(
        layout=name,
        paper=paper,
        lang=lang,
        state=state,
        grayscale=params.get("grayscale") in ("1", "on", "true"),
        themed=params.get("theme") not in ("0", "off", "false"),
    )
    return look, layout


def _query(params: Mapping[str, str]) -> Query:
    def amount(name: str) -> float | None:
        text = (params.get(name) or "").replace(",", "").replace("$", "").strip()
        if not text:
            return None
        try:
            return max(0.0, float(text))
        except ValueError:
            raise HTTPException(400, f"{name}: expected an amount such as 50000") from None

    sort = params.get("sort") or "title"
    if sort not in SORTS:
        raise HTTPException(400, f"sort: one of {', '.join(SORTS)}")
    return Query(
        words=(params.get("q") or "")[:200],
        cluster=params.get("cluster") or "",
        education=params.get("education") or "",
        pay_min=amount("pay_min"),
        pay_max=amount("pay_max"),
        sort=sort,
    )


def _save_folder(paths: tuple[Path, ...]) -> Path:
    """The first served folder; serving the built-in library, `./my-careers`."""
    for path in paths:
        if path.is_dir():
            return path.resolve()
    return (paths[0].resolve().parent if paths else Path.cwd() / "my-careers").resolve()


class Site:
    """The application's state: the catalog, the layouts, the renderer, the templates."""

    def __init__(self, config: ServeConfig) -> None:
        from ..inputs import builtin_profiles

        self.config = config
        self.save_folder = config.save_to or _save_folder(config.paths)
        self.catalog: Catalog = load_catalog(
            config.paths or builtin_profiles(), overrides=self.save_folder
        )
        self.layouts = {layout.name: layout for layout in builtin_layouts()}
        for folder in config.layouts:
            own = find_layout(folder)
            self.layouts[own.name] = own
        self.renderer = Renderer(jobs=config.jobs, caps=config.caps)
        self.picks: dict[str, Picks] = {}
        self.theme = config.theme  # the theme page may change it
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.pages.filters["plain_warning"] = plain_warning

    def card(self, slug: str) -> Card:
        if not valid_slug(slug) or slug not in self.catalog.by_slug:
            raise HTTPException(404, f"no career {printable(slug)[:80]!r} in this library")
        return self.catalog.by_slug[slug]

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        template = self.pages.get_template(name)
        mine = self.picks.get(request.cookies.get(booklets.SESSION_COOKIE, ""))
        html = template.render(
            tool_version=__version__,
            in_booklet=mine.slugs if mine else [],
            csrf=csrf_token(request),
            theme=self.theme,
            path=request.url.path,
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def job(self, card: Card, look: Look, layout: Layout, theme: Theme | None = None) -> PreviewJob:
        theme = theme or (self.theme if look.themed else PLAIN)
        options = RenderOptions(
            theme=theme, lang=look.lang or None, grayscale=look.grayscale, state=look.state or None
        )
        return PreviewJob(
            source=card.path,
            layout=layout.folder,
            builtin=layout.builtin,
            layout_digest=layout_digest(layout),
            paper=look.paper,
            options=options,
        )

    async def preview_with(self, card: Card, theme: Theme) -> Brochure:
        """A career's handout in `theme` (the theme page's preview before saving)."""
        layout = self.layouts["handout"]
        look = Look(paper=layout.papers[0])
        return await self.renderer.brochure(self.job(card, look, layout, theme), layout)

    async def brochure(self, request: Request) -> tuple[Card, Look, Brochure]:
        card = self.card(request.path_params["slug"])
        look, layout = _look(request.query_params, self.layouts)
        made = await self.renderer.brochure(self.job(card, look, layout), layout)
        return card, look, made


_KINDS = {
    "typography": "Layout",
    "accessibility": "Accessibility",
    "resource": "A file was left out",
    "font": "Fonts",
    "css": "Stylesheet",
}


_NOTICES = {
    "saved": "Saved. The preview shows the saved profile.",
    "copied": "Saved as your own copy; the built-in profile is unchanged.",
    "undone": "The earlier version is back.",
}


def plain_warning(notice: str) -> str:
    """A warning as a person beside a printer reads it: what kind, then what."""
    kind = getattr(notice, "kind", "")
    text = str(notice).removeprefix("typography: ").removeprefix("resource refused: ")
    if kind == "accessibility":
        text = text.split(": ", 1)[-1]
    return f"{_KINDS.get(kind, 'Note')}: {text}"


def _site(request: Request) -> Site:
    site = request.app.state.site
    assert isinstance(site, Site)
    return site


def _wants_fragment(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def library(request: Request) -> Response:
    site = _site(request)
    query = _query(request.query_params)
    found = site.catalog.search(query)
    values: dict[str, Any] = {
        "query": query,
        "cards": found,
        "catalog": site.catalog,
        "total": len(site.catalog.cards),
    }
    if _wants_fragment(request):
        return site.page(request, "_results.html.j2", **values)
    return site.page(request, "library.html.j2", **values)


async def career(request: Request) -> Response:
    site = _site(request)
    card = site.card(request.path_params["slug"])
    look, layout = _look(request.query_params, site.layouts)
    values: dict[str, Any] = {"card": card, "look": look, "layout": layout, "site": site}
    values["languages"] = LANGUAGES
    values["states"] = {code: STATES[code] for code in card.states if code in STATES}
    values["notice"] = next(
        (text for key, text in _NOTICES.items() if request.query_params.get(key)), None
    )
    values["builtin"] = edit.is_builtin(card.path)
    try:
        values["made"] = await site.renderer.brochure(site.job(card, look, layout), layout)
        values["error"] = None
    except BrochureError as err:
        values["made"], values["error"] = None, str(err)
    name = "_preview.html.j2" if _wants_fragment(request) else "career.html.j2"
    return site.page(request, name, **values)


async def page_image(request: Request) -> Response:
    _, _, made = await _site(request).brochure(request)
    number = request.path_params["number"]
    if not 1 <= number <= len(made.pages):
        raise HTTPException(404, f"the brochure has {len(made.pages)} pages")
    return Response(made.pages[number - 1], media_type="image/png", headers=_private())


async def pdf(request: Request) -> Response:
    card, look, made = await _site(request).brochure(request)
    name = f"{card.slug}-{look.layout}.pdf" if look.layout != "handout" else f"{card.slug}.pdf"
    disposition = "inline" if request.query_params.get("inline") else "attachment"
    headers = {"content-disposition": f'{disposition}; filename="{name}"', **_private()}
    return Response(made.pdf, media_type="application/pdf", headers=headers)


def _private() -> dict[str, str]:
    # A brochure depends on files that can change under the same address.
    return {"cache-control": "no-cache"}


def _card_json(card: Card) -> dict[str, Any]:
    return {
        "slug": card.slug,
        "title": card.title,
        "summary": card.summary,
        "cluster": card.cluster or None,
        "education": card.education or None,
        "median_pay": card.pay or None,
        "annual_pay": card.annual_pay,
        "job_growth": card.growth or None,
        "growth_percent": card.growth_percent,
        "pdf": f"/api/careers/{card.slug}.pdf",
    }


async def api_careers(request: Request) -> Response:
    found = _site(request).catalog.search(_query(request.query_params))
    return JSONResponse({"count": len(found), "careers": [_card_json(c) for c in found]})


async def api_career(request: Request) -> Response:
    return JSONResponse(_card_json(_site(request).card(request.path_params["slug"])))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    reason = printable(str(exc.detail)).splitlines()[0] if exc.detail else "error"
    if exc.status_code == 404 and reason == "Not Found":  # no route: Starlette's words
        reason = "no such page on this server"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": reason}, status_code=exc.status_code)
    return PlainTextResponse(reason + "\n", status_code=exc.status_code)


async def render_error(request: Request, exc: Exception) -> Response:
    reason = printable(str(exc)).splitlines()[0]
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": reason}, status_code=422)
    return PlainTextResponse(reason + "\n", status_code=422)


def create_app(config: ServeConfig) -> Starlette:
    """The web application for `config`; its workers start with it and stop with it."""
    if not is_loopback(config.host) and not config.token:
        raise ValueError(f"serving on {config.host} needs an access token")
    site = Site(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        site.renderer.start()
        try:
            yield
        finally:
            site.renderer.close()

    hosts = LOOPBACK_HOSTS if is_loopback(config.host) else None
    guard = Guard(token=config.token, hosts=hosts)
    routes = [
        Route("/", library),
        # A `.pdf` address first: `{slug}` alone would also match `name.pdf`.
        Route("/careers/{slug}.pdf", pdf),
        Route("/careers/{slug}", career),
        Route("/careers/{slug}", edit.save, methods=["POST"]),
        Route("/careers/{slug}/edit", edit.edit_page),
        Route("/careers/{slug}/check", edit.check, methods=["POST"]),
        Route("/careers/{slug}/undo", edit.undo, methods=["POST"]),
        Route("/careers/{slug}/page-{number:int}.png", page_image),
        Route("/booklet", booklets.page),
        Route("/booklet.pdf", booklets.download),
        Route("/booklet/add", booklets.add, methods=["POST"]),
        Route("/booklet/change", booklets.change, methods=["POST"]),
        Route("/booklet/build", booklets.build, methods=["POST"]),
        Route("/api/booklets", booklets.api_build, methods=["POST"]),
        Route("/import", edit.import_page),
        Route("/import", edit.import_text, methods=["POST"]),
        Route("/import/save", edit.import_save, methods=["POST"]),
        Route("/theme", themes.page),
        Route("/theme", themes.save, methods=["POST"]),
        Route("/theme/preview", themes.preview, methods=["POST"]),
        Route("/api/careers", api_careers),
        Route("/api/careers/{slug}.pdf", pdf),
        Route("/api/careers/{slug}", api_career),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)],
        exception_handlers={HTTPException: http_error, BrochureError: render_error},
        lifespan=lifespan,
    )
    app.state.site = site
    return app
