"""brochure: print-ready career brochures from YAML career profiles.

Scripts can do everything the command line does::

    import brochure
    profile = brochure.load_profile("profiles/registered-nurse.yaml")
    pdf = brochure.render_pdf(profile, layout="handout", paper="a4")

Names are imported on first use, so that `brochure --help` does not pay for pydantic,
Jinja and WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import exports
from ._version import __version__

_EXPORTS = {
    "BookletError": "errors",
    "BrochureError": "errors",
    "LayoutError": "errors",
    "OutputError": "errors",
    "ProfileError": "errors",
    "RenderError": "errors",
    "Caps": "batch.workers",
    "Layout": "layout",
    "builtin_layouts": "layout",
    "find_layout": "layout",
    "build_booklet": "booklet_apart",
    "render_profile": "pipeline",
    "render_paths": "batch.run",
    "watch_paths": "batch.watch",
    "render_pdf": "pipeline",
    "validate_paths": "inputs",
    "Profile": "profile",
    "load_profile": "profile",
    "profile_schema": "profile",
    "render_html": "render",
}

__all__ = [
    "BookletError",
    "BrochureError",
    "Caps",
    "Layout",
    "LayoutError",
    "OutputError",
    "Profile",
    "ProfileError",
    "RenderError",
    "__version__",
    "build_booklet",
    "builtin_layouts",
    "find_layout",
    "load_profile",
    "profile_schema",
    "render_html",
    "render_paths",
    "render_pdf",
    "render_profile",
    "validate_paths",
    "watch_paths",
]

if TYPE_CHECKING:
    from .batch.run import render_paths
    from .batch.watch import watch_paths
    from .batch.workers import Caps
    from .booklet_apart import build_booklet
    from .errors import (
        BookletError,
        BrochureError,
        LayoutError,
        OutputError,
        ProfileError,
        RenderError,
    )
    from .inputs import validate_paths
    from .layout import Layout, builtin_layouts, find_layout
    from .pipeline import render_pdf, render_profile
    from .profile import Profile, load_profile, profile_schema
    from .render import render_html


__getattr__ = exports(__name__, _EXPORTS)
