"""In real Chromium, the door on the day: a page left open past its CSRF token's age keeps
scanning and uploading, an answer that is not a decision is an error (never "offline"), the
badge field has the focus on a new device, a scan that cannot be stored is said, search and
camera failures read as words, and the door works by keyboard."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from eventmgr.app import create_app
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.platform.db import db
from tests.support import free_port, log_in

TOKEN_AGE = 2  # seconds a CSRF token is accepted by the short-lived server below


@pytest.fixture(scope="module")
def short_token_server(live_app, tmp_path_factory):
    """The live app's twin on the same database, whose CSRF tokens expire after TOKEN_AGE s
    (Flask-WTF's default is an hour; a door shift lasts all day)."""
    config = {k: v for k, v in live_app.config.items() if k.isupper()}
    config.update(
        WTF_CSRF_TIME_LIMIT=TOKEN_AGE, INSTANCE_PATH=str(tmp_path_factory.mktemp("short"))
    )
    app = create_app(config)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture
def door_page(browser, short_token_server):
    context = browser.new_context(base_url=short_token_server, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def _scanner(page, demo, door: str | None = "Main entrance") -> None:
    log_in(page, *demo["logins"]["door_staff"])
    page.goto(f"/door/{demo['slug']}")
    expect(page.locator("#scanner")).to_have_attribute("data-snapshot-ready", "1")
    if door:
        page.get_by_label("Door name").fill(door)
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#door-current")).to_have_text(f"This door: {door}")


def _scan(page, code: str) -> None:
    field = page.get_by_label("Badge code")
    field.fill(code)
    field.press("Enter")


def _statuses(page) -> list[int]:
    seen: list[int] = []
    page.on("response", lambda r: seen.append(r.status) if "/door/" in r.url else None)
    return seen


@pytest.mark.browser
def test_a_page_open_past_its_token_age_scans_and_uploads(door_page, app, demo, make_person):
    first, second = make_person(), make_person()
    page = door_page
    statuses = _statuses(page)
    _scanner(page, demo)
    page.wait_for_timeout(TOKEN_AGE * 2500)  # the token the page was served with has expired
    _scan(page, first["code"])
    expect(page.locator("#result")).to_have_attribute("data-status", "accepted")
    expect(page.locator("#result-detail")).not_to_contain_text("offline")
    page.keyboard.press("Escape")
    page.context.set_offline(True)
    _scan(page, second["code"])
    expect(page.locator("#queue-size")).to_have_text("1")
    page.wait_for_timeout(TOKEN_AGE * 2500)
    page.context.set_offline(False)
    expect(page.locator("#queue-size")).to_have_text("0")
    expect(page.locator("#upload-report")).to_contain_text("Uploaded 1 scans")
    with app.app_context():
        assert sorted(db.session.scalars(select(Checkin.registration_id))) == sorted(
            [first["id"], second["id"]]
        )
    assert 400 not in statuses


@pytest.mark.browser
def test_a_refused_token_is_renewed_and_the_scan_sent_again(door_page, app, demo, make_person):
    """A device whose timers slept: its clock says the token is fresh, the server says it
    expired. The page renews the token on the refusal and sends the scan once more."""
    someone = make_person()
    page = door_page
    page.clock.install(time=datetime.now(UTC))
    statuses = _statuses(page)
    _scanner(page, demo)
    page.clock.pause_at(datetime.now(UTC) + timedelta(seconds=1))
    page.wait_for_timeout(TOKEN_AGE * 2500)
    _scan(page, someone["code"])
    expect(page.locator("#result")).to_have_attribute("data-status", "accepted")
    expect(page.locator("#queue-size")).to_have_text("0")
    assert 400 in statuses  # the refused token, then the answer to the second try
    with app.app_context():
        assert db.session.scalars(select(Checkin.registration_id)).all() == [someone["id"]]


@pytest.mark.browser
@pytest.mark.parametrize("status", [400, 500])
def test_an_answer_that_is_not_a_decision_is_an_error_not_offline(page, demo, make_person, status):
    someone = make_person()
    _scanner(page, demo)
    page.route(
        "**/scan",
        lambda route: route.fulfill(
            status=status, content_type="text/html", body="<h1>Bad Request</h1>"
        ),
    )
    _scan(page, someone["code"])
    result = page.locator("#result")
    expect(result).to_have_attribute("data-status", "error")
    expect(page.locator("#result-title")).to_have_text("Not checked in")
    expect(page.locator("#result-detail")).to_contain_text(f"HTTP {status}")
    expect(page.locator("#queue-size")).to_have_text("0")
    expect(page.locator("#net-text")).to_have_text("Online")


@pytest.mark.browser
def test_an_upload_the_server_refuses_is_said_and_the_scans_stay(page, app, demo, make_person):
    someone = make_person()
    _scanner(page, demo)
    page.route("**/batch", lambda route: route.fulfill(status=500, body="oops"))
    page.context.set_offline(True)
    _scan(page, someone["code"])
    expect(page.locator("#queue-size")).to_have_text("1")
    page.keyboard.press("Escape")
    page.context.set_offline(False)
    expect(page.locator("#upload-report")).to_contain_text("Upload failed")
    expect(page.locator("#upload-report")).to_contain_text("HTTP 500")
    expect(page.locator("#queue-size")).to_have_text("1")
    page.unroute("**/batch")
    # the page tries again every 5 s
    expect(page.locator("#queue-size")).to_have_text("0", timeout=15_000)
    with app.app_context():
        assert db.session.scalars(select(Checkin.registration_id)).all() == [someone["id"]]


@pytest.mark.browser
def test_on_a_new_device_a_scanner_cannot_name_the_door(page, app, demo, make_person):
    """The handheld scanner types into whatever has the focus: the badge field has it, and a
    badge code is never taken for the door's name."""
    someone = make_person()
    _scanner(page, demo, door=None)
    code_field = page.get_by_label("Badge code")
    expect(code_field).to_be_focused()
    page.keyboard.type(someone["code"])
    page.keyboard.press("Enter")
    expect(page.locator("#door-notice")).to_contain_text("Name this door first")
    expect(code_field).to_be_focused()
    expect(page.get_by_label("Door name")).to_have_value("")
    # a code scanned into the door's field by mistake is refused
    page.get_by_label("Door name").click()
    page.keyboard.type(someone["code"])
    page.keyboard.press("Enter")
    expect(page.locator("#door-error")).to_contain_text("badge code, not a door name")
    expect(page.get_by_label("Door name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#door-current")).to_have_text("This door has no name yet.")
    page.get_by_label("Door name").fill("Main entrance")
    page.keyboard.press("Enter")
    expect(page.locator("#door-current")).to_have_text("This door: Main entrance")
    expect(code_field).to_be_focused()
    page.keyboard.type(someone["code"])
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_have_attribute("data-status", "accepted")
    with app.app_context():
        assert db.session.scalars(select(Checkin.door)).all() == ["Main entrance"]
        assert db.session.scalars(select(Scan.door)).all() == ["Main entrance"]


FULL_STORAGE = """
(() => {
  // the device is full: IndexedDB refuses to store a queued scan (Chromium's quota can be
  // forced small through the DevTools protocol, but it lets writes of a few bytes through)
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    if (this.name === "queue") {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    }
    return put.apply(this, arguments);
  };
})();
"""


@pytest.mark.browser
def test_a_scan_this_device_cannot_store_is_said(page, demo, make_person):
    """The offline scan is decided, shown as not saved, and not counted as queued."""
    someone = make_person()
    page.add_init_script(FULL_STORAGE)
    _scanner(page, demo)
    page.context.set_offline(True)
    _scan(page, someone["code"])
    result = page.locator("#result")
    expect(result).to_have_attribute("data-kept", "no")
    expect(result).to_have_class("door-result result-amber")
    expect(page.locator("#result-detail")).to_contain_text("NOT SAVED")
    expect(page.locator("#storage-alert")).to_be_visible()
    expect(page.locator("#storage-alert")).to_contain_text("cannot store more offline scans")
    expect(page.locator("#queue-size")).to_have_text("0")


@pytest.mark.browser
def test_scans_queued_by_the_old_page_are_uploaded(page, app, demo, make_person):
    """A device that queued scans in localStorage before an upgrade loses none of them."""
    someone = make_person()
    log_in(page, *demo["logins"]["door_staff"])
    queued = [
        {
            "code": someone["code"],
            "nonce": "legacy-1",
            "scanned_at": "2023-01-26T08:00:00Z",
            "door": "Old door",
            "device": "dev-old",
            "local_status": "accepted",
        }
    ]
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"checkin-queue-{demo['slug']}", __import__("json").dumps(queued)],
    )
    page.goto(f"/door/{demo['slug']}")
    expect(page.locator("#upload-report")).to_contain_text("Uploaded 1 scans")
    assert page.evaluate(f"localStorage.getItem('checkin-queue-{demo['slug']}')") is None
    with app.app_context():
        assert db.session.scalars(select(Checkin.door)).all() == ["Old door"]


@pytest.mark.browser
def test_a_failed_search_says_so(page, demo):
    _scanner(page, demo)
    page.route("**/search?*", lambda route: route.fulfill(status=500, body="oops"))
    page.get_by_label("Name, email or organisation").fill("anyone")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-status")).to_contain_text("The search failed")
    expect(page.locator("#search-status")).to_contain_text("HTTP 500")
    page.unroute("**/search?*")
    page.context.set_offline(True)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-status")).to_contain_text("The search failed: No network.")


@pytest.mark.browser
def test_a_camera_error_reads_as_words(page, demo):
    page.add_init_script(
        """navigator.mediaDevices.getUserMedia = () =>
             Promise.reject(new DOMException("Requested device not found", "NotFoundError"));"""
    )
    _scanner(page, demo)
    page.get_by_role("button", name="Start camera").click()
    state = page.locator("#camera-state")
    expect(state).to_have_text("No camera was found on this device.")
    expect(state).not_to_contain_text("NotFoundError")


@pytest.mark.browser
def test_the_door_by_keyboard(page, app, demo, make_person):
    """Search, results announced, each button named after its person, check-in by hand, the
    answer screen closed with Escape, and the focus back in the badge field: keys only."""
    someone = make_person(name="Ingrid Bjørnstad")
    make_person(name="Ingrid Larsen")
    _scanner(page, demo, door="Desk")
    page.get_by_label("Name, email or organisation").focus()
    page.keyboard.type("Ingrid")
    page.keyboard.press("Enter")
    expect(page.locator("#search-status")).to_have_text("2 found.")
    expect(page.locator("#search-status")).to_have_attribute("role", "status")
    button = page.get_by_role("button", name="Check in Ingrid Bjørnstad", exact=True)
    expect(button).to_be_visible()
    expect(page.get_by_role("button", name="Check in Ingrid Larsen", exact=True)).to_be_visible()
    page.keyboard.press("Tab")  # from the box to the Search button
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.textContent") != "Check in Ingrid Bjørnstad":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_have_attribute("data-status", "accepted")
    expect(page.locator("#door-announce")).to_contain_text("Welcome. Ingrid Bjørnstad")
    expect(page.get_by_label("Badge code")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#result")).to_be_hidden()
    expect(page.get_by_label("Badge code")).to_be_focused()
    with app.app_context():
        assert db.session.scalars(select(Checkin.registration_id)).all() == [someone["id"]]
