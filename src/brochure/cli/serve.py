"""`brochure serve`: the web page, for people who never open a terminal."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from .app import cli
from .common import caps_from, caps_options, debug_option


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option(
    "--theme",
    type=click.Path(path_type=Path, dir_okay=False, readable=False),
    help="The organisation's theme (brochure.yaml or a theme file): logo, colours, contact.",
)
@click.option(
    "-l",
    "--layout",
    "layouts",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False, readable=False),
    help="A layout folder of your own to offer beside the built-in ones (repeatable).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--token",
    envvar="BROCHURE_TOKEN",
    help="Access token for a bind other than loopback [default: a new one, printed].",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Worker processes that render brochures.",
)
@caps_options
@debug_option
def serve(
    paths: Sequence[Path],
    theme: Path | None,
    layouts: Sequence[Path],
    host: str,
    port: int,
    token: str | None,
    open_browser: bool,
    jobs: int,
    timeout: float,
    max_memory: int,
) -> None:
    """Serve the career library as a web page: browse, preview, download PDFs.

    PATHS are profile files or folders (default: the built-in library). The page
    listens on this machine only unless --host says otherwise; then it needs an access
    token, which is printed with the address.
    """
    import uvicorn

    from ..theme import PLAIN, load_theme
    from ..web.app import ServeConfig, create_app
    from ..web.security import is_loopback, new_token

    if token is not None and not token.strip():
        raise click.UsageError("--token cannot be empty")
    if not is_loopback(host) and not token:
        token = new_token()
    config = ServeConfig(
        paths=tuple(paths),
        theme=load_theme(theme) if theme is not None else PLAIN,
        host=host,
        token=token,
        jobs=jobs,
        caps=caps_from(timeout, max_memory),
        layouts=tuple(layouts),
    )
    app = create_app(config)
    shown = "localhost" if is_loopback(host) else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"serving {len(app.state.site.catalog.cards)} careers at {address}", err=True)
    for problem in app.state.site.catalog.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo("press Ctrl-C to stop", err=True)
    if open_browser and not os.environ.get("BROCHURE_NO_BROWSER"):
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, [address]).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
