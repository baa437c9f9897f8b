"""Configuration from environment variables, with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The project folder: templates/, static/, migrations/ and instance/ are found from it."""


def private_folder(path: Path) -> None:
    """instance/ holds the secret key and the SQLite database: only its owner may enter it
    (0700), however the process's umask is set; made so when it is looser."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY, else a key generated once and kept in instance/ (never a constant)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_path / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(name: str, default: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number (0 or more), not {value!r}.")
    return int(value)


def database_url(instance_path: Path) -> str:
    """DATABASE_URL, or an SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{instance_path / 'eventmgr.sqlite3'}"


def from_environment(instance_path: Path) -> dict:
    """The settings of a deployed instance; see the README for each variable."""
    base_url = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    private_folder(instance_path)
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": base_url,
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Event manager <noreply@localhost>"),
        # Deliver in a thread of the web process too (one process needs no worker); set 0
        # where `flask jobs work --loop` workers run.
        "MAIL_IN_PROCESS": _bool("MAIL_IN_PROCESS", default=True),
        # The provider's sending limit over all workers, e.g. "14 per second"; empty: none.
        "MAIL_RATE_LIMIT": os.environ.get("MAIL_RATE_LIMIT", ""),
        # A worker's claim on the messages it sends lasts this long (then another worker may
        # take them: it died); a batch must be sent well within it.
        "MAIL_LEASE_SECONDS": int(os.environ.get("MAIL_LEASE_SECONDS", "120")),
        "MAIL_BATCH": int(os.environ.get("MAIL_BATCH", "100")),
        "TRUSTED_PROXIES": _count("TRUSTED_PROXIES"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "eventmgr"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "30 per minute"),
        "QA_ASK_RATE_LIMIT": os.environ.get("QA_ASK_RATE_LIMIT", "5 per minute"),
        "QA_VOTE_RATE_LIMIT": os.environ.get("QA_VOTE_RATE_LIMIT", "60 per minute"),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600")),
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": {"en": "English", "nb": "Norsk bokmål"},
        "API_TITLE": "Event manager API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }
