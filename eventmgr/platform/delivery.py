"""How responses travel: compressed where that leaks nothing, static files cached for a year
under a URL that changes with their content, private pages kept out of search engines."""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, request
from flask_login import current_user

COMPRESSIBLE = {
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "image/x-icon",
    "text/csv",
    "text/calendar",
}
MIN_SIZE = 500
YEAR = 365 * 24 * 3600
PRIVATE_PREFIXES = (
    "/r/",
    "/manage/",
    "/door",
    "/admin",
    "/account",
    "/dashboard",
    "/delegation",
    "/jobs/",
    "/networking",
    "/agenda/",
)
PRIVATE_PARTS = ("/networking", "/delegations/", "/my-programme")
"""Pages behind a login or a personal link: never indexed, never compressed as HTML."""


def private_path(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES) or any(part in path for part in PRIVATE_PARTS)


@lru_cache(maxsize=512)
def _fingerprint(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def _static_version(endpoint: str, values: dict) -> None:
    """`url_for('static', filename=...)` carries ?v=<the file's hash>: a new file is a new
    URL, so browsers may keep each one for a year."""
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    path = Path(current_app.static_folder or "") / values["filename"]
    try:
        values["v"] = _fingerprint(str(path), path.stat().st_mtime)
    except OSError:
        return


def _html_may_be_compressed() -> bool:
    """HTML with a secret in it (a signed-in user's CSRF token, a manage link) next to text
    an attacker can put in the URL is not compressed: its size would tell the secret
    (BREACH). Public pages for anonymous visitors are."""
    authenticated = current_user and current_user.is_authenticated
    return not authenticated and not private_path(request.path)


def _compressible(response: Response) -> bool:
    if response.status_code < 200 or response.status_code in (204, 206, 304):
        return False
    if "Content-Encoding" in response.headers:
        return False
    if response.is_streamed and not response.direct_passthrough:
        return False  # a generator (a CSV export, a PDF): sent as it comes
    mimetype = response.mimetype or ""
    if mimetype == "text/html":
        return _html_may_be_compressed()
    return mimetype in COMPRESSIBLE


def _compress(response: Response) -> Response:
    if request.method == "HEAD" or not _compressible(response):
        return response
    response.vary.add("Accept-Encoding")
    if "gzip" not in request.accept_encodings:
        return response
    response.direct_passthrough = False  # a static file: read it to compress it
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(etag + "-gzip", weak=weak)
    return response


def _headers(response: Response) -> Response:
    if request.endpoint == "static" and "v" in request.args and response.status_code == 200:
        response.cache_control.no_cache = None  # send_file's default: ask again every time
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    if private_path(request.path):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return _compress(response)


def init_delivery(app: Flask) -> None:
    app.url_defaults(_static_version)
    app.after_request(_headers)
    app.jinja_env.globals["private_page"] = lambda: private_path(request.path)
