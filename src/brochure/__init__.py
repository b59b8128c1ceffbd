"""brochure: print-ready career brochures from YAML career profiles.

Scripts can do everything the command line does::

    import brochure
    profile = brochure.load_profile("profiles/registered-nurse.yaml")
    pdf = brochure.render_pdf(profile, layout="handout", paper="a4")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (
    BookletError,
    BrochureError,
    LayoutError,
    OutputError,
    ProfileError,
    RenderError,
)
from .layout import Layout, builtin_layouts, find_layout
from .pipeline import build_booklet, render, render_paths, render_pdf, validate_paths
from .profile import Profile, load_profile, profile_schema
from .render import render_html

__all__ = [
    "BookletError",
    "BrochureError",
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
    "render",
    "render_html",
    "render_paths",
    "render_pdf",
    "validate_paths",
]
