"""`codekit serve`: published releases over HTTP (read-only), with Open311 endpoints and /suggest."""

from __future__ import annotations

from pathlib import Path

import typer

from codekit.cli._common import JSON_OPTION, app, console, emit_json


@app.command()
def serve(
    dist: Path = typer.Argument(..., help="The output folder of `codekit release` (dist/, every X.Y.Z in it) or one release folder.", show_default=False),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind. The default answers this machine only."),
    port: int = typer.Option(8311, "--port", min=0, max=65535, help="TCP port."),
    semantic: str = typer.Option("off", "--semantic", help="/suggest's sentence model: off (fast), auto (when installed) or on."),
    threshold: float = typer.Option(0.4, "--threshold", min=0.0, max=1.0, help="/suggest: below this confidence it says it is not sure."),
    check: bool = typer.Option(False, "--check", metavar="", help="Verify the releases and exit without serving."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Serve every published release read-only over HTTP: its files under /releases/VERSION/ (and a
    `latest` alias) with ETags from the manifest and immutable cache headers, the Open311 GeoReport v2
    service list and definitions under /open311/v2/, GET /suggest?q=TEXT (zero-shot, from the release's
    own catalogue.json) and /health. Every release is verified against its manifest first: a tampered one
    is refused (exit 2) and nothing is served."""
    from codekit.errors import UsageError
    from codekit.serve import describe, load_releases, run

    if semantic not in ("off", "auto", "on"):
        raise UsageError("--semantic is off, auto or on", found=repr(semantic))
    served = load_releases(dist)
    info = {**describe(served), "host": host, "port": port, "url": f"http://{host}:{port}/"}
    if as_json:
        emit_json(info)
    else:
        console().print(f"serving {', '.join(info['versions'])} (latest {info['latest']}) of {dist} on {info['url']}"
                        + ("" if check else "  (Ctrl+C stops)"))
    if check:
        return
    run(dist, host=host, port=port, semantic=semantic, threshold=threshold, releases=served)
