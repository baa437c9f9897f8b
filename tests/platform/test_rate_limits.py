"""Rate limits key on the client, not on the proxy in front of the app: X-Forwarded-For counts
only from the configured number of trusted proxies (TRUSTED_PROXIES), so one client's failed
log-ins never lock out another; without trusted proxies the header is ignored (anyone could
send it). Several processes share one limit through Redis."""

from __future__ import annotations

import re
import uuid

import requests

from eventmgr.accounts.services import get_or_create_user
from eventmgr.app import create_app
from eventmgr.platform.db import db
from tests.conftest import _config
from tests.servers import migrated_app, scratch_database, serving
from tests.support import need_redis

PROXY = "10.0.0.5"  # the reverse proxy: every request reaches the app from here
MALLORY, ALICE = "203.0.113.7", "198.51.100.9"
EMAIL, PASSWORD = "alice.limits@example.org", "alice-limits-2023"
WRONG = {"email": EMAIL, "password": "not-her-password"}
RIGHT = {"email": EMAIL, "password": PASSWORD}


def _app(database_url, tmp_path, proxies: int):
    app = create_app(
        _config(tmp_path, database_url, TRUSTED_PROXIES=proxies, LOGIN_RATE_LIMIT="3 per minute")
    )
    with app.app_context():
        get_or_create_user(EMAIL, "Alice", PASSWORD)
        db.session.commit()
    return app


def _log_in(client, data: dict, forwarded_for: str) -> int:
    """A log-in through the proxy, which appends the client's address to X-Forwarded-For."""
    answer = client.post(
        "/login",
        data=data,
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return answer.status_code


def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another(
    app, database_url, tmp_path
):
    proxied = _app(database_url, tmp_path, proxies=1)
    mallory, alice = proxied.test_client(), proxied.test_client()
    assert [_log_in(mallory, WRONG, MALLORY) for _ in range(4)] == [200, 200, 200, 429]
    # what Mallory writes into the header himself comes before the proxy's entry: ignored
    assert _log_in(mallory, WRONG, f"{ALICE}, {MALLORY}") == 429
    assert _log_in(alice, RIGHT, ALICE) == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(app, database_url, tmp_path):
    direct = _app(database_url, tmp_path, proxies=0).test_client()
    spoofed = [_log_in(direct, WRONG, f"192.0.2.{n}") for n in range(4)]
    assert spoofed == [200, 200, 200, 429]  # the same client, whatever the header says


def test_two_instances_share_one_limit_through_redis(tmp_path):
    """Two gunicorn instances with two workers each, behind one proxy, one Redis: a client's
    attempts count against one limit wherever they land; another client keeps its own."""
    redis_url = need_redis()
    url = scratch_database("sqlite", tmp_path, "limits")
    with migrated_app(url, tmp_path / "instance").app_context():
        get_or_create_user(EMAIL, "Alice", PASSWORD)
        db.session.commit()
    env = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's counters alone
        "LOGIN_RATE_LIMIT": "4 per minute",
        "TRUSTED_PROXIES": "1",
    }
    with (
        serving(url, 2, tmp_path / "first.log", **env) as (_first, first),
        serving(url, 2, tmp_path / "second.log", **env) as (_second, second),
    ):
        form = requests.get(f"{first}/login", timeout=30)  # the CSRF token and its cookie
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)

        def attempt(base: str, data: dict, client: str) -> int:
            with requests.Session() as fresh:  # a new connection: any worker may answer
                answer = fresh.post(
                    f"{base}/login",
                    data=data | {"csrf_token": token},
                    cookies=form.cookies,
                    headers={"X-Forwarded-For": client},
                    allow_redirects=False,
                    timeout=30,
                )
                return answer.status_code

        answers = [attempt((first, second)[n % 2], WRONG, MALLORY) for n in range(10)]
        assert answers == [200] * 4 + [429] * 6
        assert attempt(second, RIGHT, ALICE) == 302
