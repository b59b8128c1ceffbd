"""WeasyPrint itself: imported late (with the command for missing system libraries), one
font configuration per process, its log captured, and font dates that never come from
the clock.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ..errors import RenderError

# PDF/X requires creation and modification dates. Written from SOURCE_DATE_EPOCH when it is
# set (the reproducible-builds convention), else this fixed date: the same inputs must give
# the same bytes, and a render's wall-clock time says nothing about its content.
FIXED_DATE = "2000-01-01T00:00:00+00:00"


MAX_IMAGE_PIXELS = 40_000_000


_font_config: Any = None


def shared_fonts() -> Any:
    """One FontConfiguration per process: building it costs more than laying out a page."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
        atexit.register(_remove_font_files, _font_config)
    return _font_config


def _remove_font_files(config: Any) -> None:
    """The folder WeasyPrint writes a stylesheet's fonts to, removed as the process ends.

    WeasyPrint removes it when the configuration is freed, which a process leaving
    with `os._exit` (the command) never does, and which at interpreter shutdown can
    come too late (its module's names already gone)."""
    folder = getattr(config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None  # nothing left for WeasyPrint's own removal to do


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def captured() -> Iterator[_Collect]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def load_weasyprint() -> Any:
    """Import WeasyPrint late (it is slow to load) and explain a missing Pango."""
    try:
        import PIL.Image
        import weasyprint
    except OSError as err:
        raise RenderError(
            f"WeasyPrint cannot load its system libraries ({err}); "
            f"install them with: sudo apt-get install {SYSTEM_PACKAGES}"
        ) from None
    # A small image file can decode to gigabytes; Pillow refuses past twice this.
    PIL.Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    _keep_font_dates()
    return weasyprint


def _keep_font_dates() -> None:
    """Font programs keep the dates of the font files they come from.

    Where WeasyPrint subsets, instances or unpacks a font with fontTools (no
    HarfBuzz-Subset on the machine, a variable font, a WOFF file), fontTools stamps the
    wall clock into the font's `head` table when it saves it, so two renders a second
    apart differed. With `recalcTimestamp=False` the date is the input font's own.
    """
    import weasyprint.pdf.fonts
    import weasyprint.text.fonts
    from fontTools.ttLib import TTFont

    if getattr(weasyprint.pdf.fonts.TTFont, "keeps_input_dates", False):
        return

    class InputDatedFont(TTFont):  # type: ignore[misc]
        keeps_input_dates = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("recalcTimestamp", False)
            super().__init__(*args, **kwargs)

    weasyprint.pdf.fonts.TTFont = InputDatedFont
    weasyprint.text.fonts.TTFont = InputDatedFont


def fixed_date() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.fromisoformat(FIXED_DATE)
