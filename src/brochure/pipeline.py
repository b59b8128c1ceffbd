"""One career: merge it into its layout, lay it out, fit it to its pages, finish the PDF,
and check what a printer and a screen reader would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .errors import RenderError
from .freshness import KEY_FIELD
from .inputs import resolve_layout
from .layout import FitStep, Layout
from .options import DEFAULT_OPTIONS, RenderOptions
from .pdf.fetch import MAX_FILE_BYTES
from .pdf.info import Attached, PdfInfo
from .profile import Profile, load_profile
from .resources import layouts_dir
from .stale import stale_notice
from .typography import SPARSE_LAST_PAGE

if TYPE_CHECKING:
    from .pdf import Laid, PdfResult


def source_files(profiles: Sequence[Profile], options: RenderOptions) -> tuple[Attached, ...]:
    """The inputs a brochure is made from, to carry inside it (`--attach-source`).

    Each profile and the translation used, then the theme file and its logo: enough
    to make the brochure again from a copy found in a drawer. Theme fonts stay out
    (font licences rarely allow passing the files on; the PDF embeds the glyphs).
    Names are the files' own, made unique, sorted so the PDF's name tree is valid.
    """
    named: list[tuple[Path, str]] = []
    for profile in profiles:
        named += [(path, "career profile") for path in profile.files[:1]]
        named += [(path, "translation of the career profile") for path in profile.files[1:]]
    theme = options.theme
    if theme.path is not None:
        named.append((theme.path, "theme: organisation name, colors and contact"))
        if theme.logo_path is not None:
            named.append((theme.logo_path, f"theme logo, kept beside the theme as {theme.logo}"))
    found: dict[str, Attached] = {}
    seen: set[Path] = set()
    for path, what in named:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        name, number = path.name, 1
        while name in found:
            number += 1
            name = f"{path.stem}-{number}{path.suffix}"
        found[name] = Attached(name, _attachable(path), what)
    return tuple(found[name] for name in sorted(found))


def _attachable(path: Path) -> bytes:
    """A whole input file, or a located error: an attachment is never cut short."""
    try:
        if not path.is_file():
            raise RenderError("cannot attach: not a regular file", path=path)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RenderError(
                f"cannot attach: larger than {MAX_FILE_BYTES // 1_000_000} MB", path=path
            )
        return path.read_bytes()
    except OSError as err:
        raise RenderError(f"cannot attach: {err.strerror}", path=path) from None


def pdf_info(profile: Profile, key: str | None, options: RenderOptions) -> PdfInfo:
    keywords = [profile.title, *([profile.cluster] if profile.cluster else []), *profile.tags]
    keywords = [*dict.fromkeys(keywords), "career"]
    return PdfInfo(
        title=profile.title,
        subject=profile.summary or "",
        keywords=tuple(keywords),
        lang=options.lang or profile.lang,
        creator=f"brochure {__version__}",
        custom=((KEY_FIELD, key),) if key else (),
        variant=options.variant,
        attachments=source_files([profile], options) if options.attach_source else (),
        output_intent=options.output_intent,
    )


@dataclass
class Rendered:
    """One profile merged and laid out: the HTML it came from and the PDF."""

    profile: Profile
    layout: Layout
    paper: str
    html: str
    pdf: PdfResult


LOST_TEXT_TOLERANCE = 0  # letters; any lost word is a broken brochure


def allowed_roots(
    layout: Layout, profile_paths: Sequence[Path], options: RenderOptions
) -> list[Path]:
    """The folders a render may read: the layout's (with the layouts it extends and the
    shared parts every layout may use), the profiles' and the theme's.

    Built-in layouts, and layouts that extend one, may also read the built-in layouts'
    folder as a whole.
    """
    roots = list(layout.folders)
    shared = layouts_dir()
    if any(folder.is_relative_to(shared) for folder in layout.search_path):
        roots.append(shared)
    roots += [path.resolve().parent for path in profile_paths]
    if options.theme.folder is not None:
        roots.append(options.theme.folder)
    return roots


def _over(laid: Laid, layout: Layout, html: str) -> bool:
    """Breaks the layout's page count, loses text, or (where the layout has a page
    count) runs off the page.

    A layout without a page count flows onto more pages instead; text that still
    runs off (a very long word) is reported as a warning.
    """
    if not layout.allows_pages(laid.pages) or laid.lost_text(html) > LOST_TEXT_TOLERANCE:
        return True
    return bool(layout.page_rule) and bool(laid.overflowing(1))


def _fits(laid: Laid, layout: Layout, html: str, baseline: Laid | None) -> bool:
    """Within the layout's page count and its pages, and no nearly empty last page
    (or at least a page saved against the `baseline`)."""
    if _over(laid, layout, html):
        return False
    if baseline is not None and laid.pages < baseline.pages:
        return True
    return laid.pages == 1 or laid.fill >= layout.min_last_page


def render_profile(
    profile: Profile | str | Path,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    *,
    key: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> Rendered:
    """Merge and lay out one profile (a `Profile` or its YAML file); nothing is written.

    The one way to render one career: `render_pdf`, the batch's jobs, the preview and
    booklets' checks all come through here.

    When the result breaks the layout's page count, runs off the page or leaves a
    nearly empty last page, the layout's fit steps are tried in order (tighter
    stylesheets; fewer list items only where the layout allows it, and says so on
    the page). `key`, when given, is recorded in the PDF so a later run can tell it
    is up to date.

    Raises:
        RenderError: the content does not fit the layout's page count at its tightest.
    """
    # The renderer and the templates load here: planning (keys, roots, metadata) and a
    # booklet whose parts are all kept never need them.
    from .pdf import Trim, finish, lay_out
    from .preflight import accessibility_problems
    from .render import render_html

    if not isinstance(profile, Profile):
        profile = load_profile(profile, options.lang)
    chosen = resolve_layout(layout)
    sheet = chosen.paper(paper)
    roots = allowed_roots(chosen, [profile.path] if profile.path else [], options)
    html = render_html(profile, chosen, sheet.name, options)
    # Every try (the layout as it is, then each fit step) reads the same resources.
    lay = partial(
        lay_out,
        base=chosen.folder,
        roots=roots,
        grayscale=options.grayscale,
        remote=options.allow_remote,
        trim=Trim(options.bleed, options.marks),
    )
    html, laid, used = _fit(profile, chosen, sheet.name, options, html, lay)
    result = finish(
        laid,
        info=pdf_info(profile, key, options),
        stylesheets=chosen.stylesheet_paths,
        fit=_step_name(used),
        # With an exact page count the last page is part of the design (the trifold's
        # inside), not a page the content spilled onto.
        min_last_page=0.0 if chosen.pages_exact else SPARSE_LAST_PAGE,
    )
    result.warnings += accessibility_problems(html, chosen.name)
    if (stale := stale_notice(profile, options.stale_after)) is not None:
        result.warnings.append(stale)
    return Rendered(profile, chosen, sheet.name, html, result)


def _fit(
    profile: Profile,
    layout: Layout,
    paper: str,
    options: RenderOptions,
    html: str,
    lay: Callable[..., Laid],
) -> tuple[str, Laid, FitStep | None]:
    """The HTML and pages that fit, and the fit step that made them (None: as designed).

    Fit steps are tried in order; one that leaves out list items is tried only when
    the content runs over, never only to fill a last page better.
    """
    from .render import render_html

    laid = lay(html)
    if _fits(laid, layout, html, None):
        return html, laid, None
    over = _over(laid, layout, html)
    for step in layout.fit_steps:
        if step.limits and not over:
            continue
        attempt_html = (
            render_html(profile, layout, paper, options, limits=dict(step.limits))
            if step.limits
            else html
        )
        attempt = lay(attempt_html, extra=step.stylesheet)
        if _fits(attempt, layout, attempt_html, laid):
            return attempt_html, attempt, step
    if over:
        raise _overflow_error(profile, layout, laid, html)
    return html, laid, None


def _step_name(step: FitStep | None) -> str | None:
    if step is None:
        return None
    parts = [step.stylesheet.name] if step.stylesheet else []
    parts += [f"{name} ≤ {count}" for name, count in step.limits]
    return ", ".join(parts) or "fit step"


def _overflow_error(profile: Profile, layout: Layout, laid: Laid, html: str) -> RenderError:
    """Which rule the content broke, and where: the words that ran over."""
    where = profile.path or None
    lost = laid.lost_text(html)
    if lost > LOST_TEXT_TOLERANCE and layout.allows_pages(laid.pages):
        return RenderError(
            f"'{profile.title}' does not fit the {layout.name} layout even at its tightest: "
            f"about {lost} characters of text would not be printed",
            path=where,
        )
    if not layout.allows_pages(laid.pages):
        limit = layout.pages_exact or layout.pages_max or laid.pages
        if laid.pages > limit:
            spill = laid.text_at_page(limit)
            return RenderError(
                f"'{profile.title}' does not fit the {layout.name} layout "
                f"({layout.page_rule}) even at its tightest: it needs {laid.pages} pages; "
                f"page {limit + 1} starts with {spill!r}",
                path=where,
            )
        return RenderError(
            f"the {layout.name} layout must make {layout.page_rule} "
            f"but '{profile.title}' made {laid.pages}",
            path=where,
        )
    overflow = laid.overflowing(1)
    return RenderError(
        f"'{profile.title}' does not fit the {layout.name} layout even at its tightest: "
        f"{overflow[0] if overflow else 'content runs off the page'}",
        path=where,
    )


def render_pdf(
    profile: Profile | str | Path,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> bytes:
    """PDF bytes of one profile (a `Profile` or the path of its YAML file)."""
    return render_profile(profile, layout, paper, options=options).pdf.data


def html_for_browser(rendered: Rendered) -> str:
    """The merged HTML with a `<base>` so it opens with its styles from any folder."""
    base = f'<base href="{rendered.layout.folder.as_uri()}/">'
    head = rendered.html.find("<head>")
    if head < 0:
        return base + rendered.html
    cut = head + len("<head>")
    return rendered.html[:cut] + "\n" + base + rendered.html[cut:]
