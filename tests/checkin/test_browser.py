"""In real Chromium: the door scanner reading a badge from a fake camera (a y4m video), a
handheld scanner typing the code, offline scanning with upload, search and check-in by hand,
and the organiser's live figures."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from playwright.sync_api import expect
from sqlalchemy import func, select

from eventmgr.checkin import services as checkin
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.events.models import Event
from eventmgr.platform.db import db
from tests.support import BROWSER_ARGS, CHROMIUM, log_in

WIDTH, HEIGHT = 640, 480


def write_y4m(path, code: str, frames: int = 10) -> None:
    """A still video of the badge's QR code, big on a white frame (YUV 4:2:0)."""
    qr = np.array(
        zxingcpp.write_barcode_to_image(
            zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode), scale=12
        )
    )
    y = np.full((HEIGHT, WIDTH), 255, dtype=np.uint8)
    top, left = (HEIGHT - qr.shape[0]) // 2, (WIDTH - qr.shape[1]) // 2
    y[top : top + qr.shape[0], left : left + qr.shape[1]] = qr
    chroma = np.full((HEIGHT // 2) * (WIDTH // 2), 128, dtype=np.uint8).tobytes()
    with open(path, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            fh.write(b"FRAME\n" + y.tobytes() + chroma + chroma)


@pytest.fixture
def camera_page(playwright, live_server, tmp_path):
    """A Chromium whose camera shows the video written by the returned function."""
    opened = []

    def open_with(code: str):
        video = tmp_path / "badge.y4m"
        write_y4m(video, code)
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                *BROWSER_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        context = browser.new_context(base_url=live_server, locale="en-GB")
        context.grant_permissions(["camera"], origin=live_server)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        opened.append(browser)
        return tab

    yield open_with
    for browser in opened:
        browser.close()


def _open_scanner(page, demo, door: str = "Main entrance") -> None:
    page.goto("/door")
    page.get_by_role("link", name="Cancer Crosslinks").first.click()
    page.get_by_label("Door name").fill(door)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#scanner")).to_have_attribute("data-snapshot-ready", "1")


def _result(page, status: str, reason: str = "", timeout: float = 5_000):
    result = page.locator("#result")
    expect(result).to_have_attribute("data-status", status, timeout=timeout)
    expect(result).to_have_attribute("data-reason", reason)
    expect(result).to_be_visible()
    return result


@pytest.mark.browser
def test_the_camera_reads_a_badge_green_then_amber(camera_page, demo, make_person):
    someone = make_person(organisation="Radiumhospitalet")
    page = camera_page(someone["code"])
    log_in(page, *demo["logins"]["door_staff"])
    _open_scanner(page, demo)
    page.get_by_role("button", name="Start camera").click()
    # Chromium's fake camera takes a few seconds to start on a busy machine (one CI run)
    result = _result(page, "accepted", timeout=20_000)
    expect(result).to_have_class("door-result result-green")
    expect(page.locator("#result-name")).to_have_text(someone["name"])
    expect(page.locator("#result-detail")).to_contain_text("Radiumhospitalet")
    # the badge stays in view: a few seconds later it counts as a second scan
    result = _result(page, "refused", "already_checked_in")
    expect(result).to_have_class("door-result result-amber")
    expect(page.locator("#result-detail")).to_contain_text("Main entrance")


@pytest.mark.browser
def test_a_door_named_in_the_link_is_kept(page, app, demo, make_person):
    """A bookmark per door (?door=...), and a name typed before the page's script ran, are
    not overwritten by the (empty) stored name."""
    someone = make_person()
    log_in(page, *demo["logins"]["door_staff"])
    page.goto(f"/door/{demo['slug']}?door=Side%20door")
    expect(page.get_by_label("Door name")).to_have_value("Side door")
    code_input = page.get_by_label("Badge code")
    code_input.fill(someone["code"])
    code_input.press("Enter")
    expect(_result(page, "accepted")).to_have_class("door-result result-green")
    with app.app_context():
        assert db.session.scalars(select(Checkin.door)).all() == ["Side door"]


@pytest.mark.browser
def test_a_handheld_scanner_types_the_code_and_enter(page, app, demo, make_person):
    someone = make_person()
    cancelled = make_person(status="cancelled")
    log_in(page, *demo["logins"]["door_staff"])
    _open_scanner(page, demo, door="North door")
    code_input = page.get_by_label("Badge code")
    code_input.press_sequentially(someone["code"].lower())
    code_input.press("Enter")
    expect(_result(page, "accepted")).to_have_class("door-result result-green")
    expect(page.locator("#result-title")).to_have_text("Welcome")
    page.locator("#result").click()
    code_input.fill(someone["code"])
    code_input.press("Enter")
    _result(page, "refused", "already_checked_in")
    expect(page.locator("#result-title")).to_have_text("Already checked in")
    expect(page.locator("#result-detail")).to_contain_text("North door")
    code_input.fill(cancelled["code"])
    code_input.press("Enter")
    expect(_result(page, "refused", "cancelled")).to_have_class("door-result result-red")
    expect(page.locator("#result-title")).to_have_text("Registration cancelled")
    code_input.fill("not a badge")
    code_input.press("Enter")
    expect(page.locator("#result-title")).to_have_text("Unknown code")
    with app.app_context():
        scans = db.session.scalars(select(Scan).order_by(Scan.id)).all()
        assert [s.door for s in scans] == ["North door"] * 4
        assert len({s.device for s in scans}) == 1 and scans[0].device.startswith("dev-")


@pytest.mark.browser
def test_offline_scans_are_decided_locally_queued_and_uploaded(page, app, demo, make_person):
    first, second = make_person(), make_person(mode="digital")
    already = make_person()
    log_in(page, *demo["logins"]["door_staff"])
    _open_scanner(page, demo, door="Offline door")
    # someone else lets `already` in at another door while this page is online
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == demo["slug"]))
    page.context.set_offline(True)
    expect(page.locator("#net-text")).to_contain_text("Offline")
    code_input = page.get_by_label("Badge code")
    for code in (first["code"], first["code"], second["code"], "NOT-A-BADGE"):
        code_input.fill(code)
        code_input.press("Enter")
        expect(page.locator("#result")).to_be_visible()
        page.locator("#result").click()
    expect(page.locator("#queue-size")).to_have_text("4")
    code_input.fill(already["code"])
    code_input.press("Enter")
    _result(page, "accepted")
    expect(page.locator("#queue-size")).to_have_text("5")
    with app.app_context():
        assert db.session.scalar(select(func.count(Scan.id))) == 0
        checkin.scan(event_id, already["code"], door="Online door")  # meanwhile, elsewhere
    page.context.set_offline(False)
    expect(page.locator("#queue-size")).to_have_text("0")
    expect(page.locator("#upload-report")).to_contain_text("Uploaded 5 scans")
    expect(page.locator("#upload-report")).to_contain_text(already["name"])
    with app.app_context():
        scans = db.session.scalars(select(Scan).where(Scan.offline.is_(True))).all()
        assert sorted((s.status, s.reason or "") for s in scans) == sorted(
            [
                ("accepted", ""),
                ("refused", "already_checked_in"),
                ("refused", "digital_registration"),
                ("refused", "unknown"),
                ("refused", "already_checked_in"),
            ]
        )
        assert db.session.scalar(select(func.count(Checkin.id))) == 2
        stats = checkin.stats(event_id)
        assert stats["got_in_twice"] == 1 and stats["checked_in"] == 2


@pytest.mark.browser
def test_search_by_name_and_check_in_by_hand(page, demo, make_person):
    someone = make_person(name="Ingrid Bjørnstad")
    log_in(page, *demo["logins"]["door_staff"])
    _open_scanner(page, demo, door="Desk")
    page.get_by_label("Name, email or organisation").fill("bjørn")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#search-results li", has_text="Ingrid Bjørnstad")
    row.get_by_role("button", name="Check in").click()
    _result(page, "accepted")
    expect(page.locator("#result-detail")).to_contain_text("Checked in by hand")
    page.locator("#result").click()
    page.get_by_role("button", name="Search").click()
    expect(row).to_contain_text("Already checked in")
    expect(row.get_by_role("button", name="Check in")).to_be_disabled()
    assert someone["id"]


@pytest.mark.browser
def test_the_live_page_shows_the_figures(page, app, demo, make_person, login):
    inside = make_person(name="Arrived Person")
    make_person(name="Missing Person")
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == demo["slug"]))
        checkin.scan(event_id, inside["code"], door="Main")
        checkin.scan(event_id, "garbage", door="Main")
    log_in(page, *demo["logins"]["organiser"])
    page.goto(f"/manage/events/{demo['slug']}/checkin")
    expect(page.locator("#checked-in")).to_have_text("1")
    expect(page.locator("#expected")).to_have_text("2")
    expect(page.locator('#refused td[data-reason="unknown"]')).to_have_text("1")
    expect(page.locator("#doors tbody")).to_contain_text("Main")
    expect(page.locator("#not-arrived")).to_contain_text("Missing Person")
    expect(page.locator("#arrivals-chart rect")).to_have_count(1)
    # it updates by itself
    with app.app_context():
        missing = db.session.scalar(select(Event.id).where(Event.slug == demo["slug"]))
        from eventmgr.registration.models import Registration

        code = db.session.scalar(
            select(Registration.badge_code).where(Registration.name == "Missing Person")
        )
        checkin.scan(missing, code, door="Side")
    expect(page.locator("#checked-in")).to_have_text("2")
    expect(page.locator("#not-arrived-total")).to_have_text("0")
    csv = login("organiser").get(f"/manage/events/{demo['slug']}/checkin/not-arrived.csv")
    assert csv.data.startswith("\ufeff".encode()) and b"name,email" in csv.data
