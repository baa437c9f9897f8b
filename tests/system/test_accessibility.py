"""Every page state of every role, in English and Bokmål, at 1280 and 390 px, in real Chromium:
axe-core (from npm, injected by the test: no page of the application loads it) finds no WCAG
2.1 A/AA violation of any impact, no page scrolls sideways at 390 px (the organiser's timetable
scrolls inside its own frame), and no page logs a console error.

One browser; one context per role and language; each page state is loaded once and checked at
both widths (the viewport resized), axe running once per state and width."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

import eventmgr.models  # noqa: F401 - every model mapped before the queries below
from eventmgr.checkin import services as checkin
from eventmgr.events.models import Event
from eventmgr.mail.models import OutboxMessage
from eventmgr.networking.models import Delegation, Profile
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import db
from eventmgr.programme.models import Person
from eventmgr.programme.models import ProgrammeItem as Item
from eventmgr.registration import services as registration
from eventmgr.registration.models import Registration
from tests.registration.conftest import person
from tests.support import log_in

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {1280: 800, 390: 844}


@dataclass
class State:
    """A page as someone sees it: a path, then optionally what they do on it."""

    name: str
    path: str
    act: Callable[[Page], None] | None = None


@dataclass
class Found:
    violations: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


def _failed_registration(page: Page) -> None:
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.locator(".field-error").first).to_be_visible()


def _answer_screen(code: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        expect(page.locator("#scanner")).to_have_attribute("data-snapshot-ready", "1")
        page.locator("#door-name").fill("Main entrance")
        page.locator("#door-form button[type=submit]").click()
        page.locator("#code-input").fill(code)
        page.locator("#code-input").press("Enter")
        expect(page.locator("#result")).to_be_visible()

    return act


def _search_results(page: Page) -> None:
    expect(page.locator("#scanner")).to_have_attribute("data-snapshot-ready", "1")
    page.keyboard.press("Escape")
    page.locator("#search-input").fill("Person")
    page.locator("#search-input").press("Enter")
    expect(page.locator("#search-results li").first).to_be_visible()


@pytest.fixture
def states(app, demo) -> dict[str, list[State]]:
    """The page states of each role on the seeded demo (with its networking: an organiser's
    booking of three, and a video room beside the tables)."""
    from eventmgr.networking import schedule
    from eventmgr.networking.demo import seed_networking

    slug = demo["slug"]
    with app.test_request_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        seed_networking(event)
        schedule.save_table(event, {"number": 90, "seats": 4, "online": True, "name": "Video A"})
        outcome = registration.register(event, person(1), actor="test", public=True)
        token, code = outcome.token, outcome.registration.badge_code
        arrived = registration.register(event, person(2), actor="test", public=True)
        checkin.scan(event.id, arrived.registration.badge_code, door="Main entrance")
        item = db.session.scalars(select(Item).where(Item.event_id == event.id)).first()
        speaker = db.session.scalars(select(Person).where(Person.event_id == event.id)).first()
        someone = db.session.scalars(
            select(Registration).where(Registration.event_id == event.id)
        ).first()
        delegation = db.session.scalars(select(Delegation)).first()
        attendee = db.session.scalar(
            select(Registration).where(Registration.email == "attendee@example.org")
        )
        profile = db.session.scalars(
            select(Profile).where(Profile.registration_id != attendee.id)
        ).first()
        message = db.session.scalars(select(OutboxMessage)).first()
        ids = (item.id, speaker.id, someone.id, delegation.id, profile.id, message.id)
    item_id, speaker_id, registration_id, delegation_id, profile_id, message_id = ids
    manage = f"/manage/events/{slug}"
    return {
        "": [
            State("home", "/"),
            State("event", f"/events/{slug}"),
            State("programme", f"/events/{slug}/programme"),
            State("item", f"/events/{slug}/items/{item_id}"),
            State("speakers", f"/events/{slug}/speakers"),
            State("changes", f"/events/{slug}/changes"),
            State("register", f"/events/{slug}/register"),
            State("register, failed", f"/events/{slug}/register", _failed_registration),
            State("manage link", f"/r/{token}"),
            State("login", "/login"),
            State("password reset", "/account/reset"),
        ],
        "attendee": [
            State("dashboard", "/dashboard"),
            State("account", "/account"),
            State("my programme", f"/events/{slug}/my-programme"),
            State("networking", f"/events/{slug}/networking"),
            State("people", f"/events/{slug}/networking/people"),
            State("person", f"/events/{slug}/networking/people/{profile_id}"),
            State("meeting agenda", f"/events/{slug}/networking/agenda"),
            State("profile", f"/events/{slug}/networking/profile"),
        ],
        "organiser": [
            State("events", "/manage/events"),
            State("new event", "/manage/events/new"),
            State("edit event", f"{manage}/edit"),
            State("registrations", f"{manage}/registrations"),
            State("registration", f"{manage}/registrations/{registration_id}"),
            State("new registration", f"{manage}/registrations/new"),
            State("import registrations", f"{manage}/registrations/import"),
            State("timetable", f"{manage}/programme"),
            State("item form", f"{manage}/programme/items/{item_id}/edit"),
            State("programme import", f"{manage}/programme/import"),
            State("people", f"{manage}/people"),
            State("rooms", f"{manage}/rooms"),
            State("badges", f"{manage}/badges"),
            State("live check-in", f"{manage}/checkin"),
            State("networking", f"{manage}/networking"),
            State("schedule", f"{manage}/networking/schedule"),
            State("slots", f"{manage}/networking/slots"),
            State("tables", f"{manage}/networking/tables"),
            State("delegations", f"{manage}/networking/delegations"),
            State("book a meeting", f"/events/{slug}/networking/book"),
            State("messages", f"{manage}/messages"),
            State("message settings", f"{manage}/messages/settings"),
        ],
        "door_staff": [
            State("door", "/door"),
            State("scanner", f"/door/{slug}"),
            State("scanner, answer", f"/door/{slug}", _answer_screen(code)),
            State("scanner, search results", f"/door/{slug}", _search_results),
        ],
        "delegation_lead": [
            State("delegation home", "/delegation"),
            State("delegation", f"/events/{slug}/delegations/{delegation_id}"),
            State("delegation import", f"/events/{slug}/delegations/{delegation_id}/import"),
            State("members' meetings", f"/events/{slug}/delegations/{delegation_id}/meetings"),
        ],
        "admin": [
            State("users", "/admin/users"),
            State("outbox", "/admin/outbox"),
            State("message", f"/admin/outbox/{message_id}"),
            State("audit log", "/admin/audit"),
        ],
    }


def _axe(page: Page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
        WCAG_21_AA,
    )


SIDEWAYS = """() => {
  const found = [];
  const page = document.documentElement;
  const name = (el) => el.id ? `#${el.id}` : el.tagName.toLowerCase() +
    (typeof el.className === "string" && el.className ? `.${el.className.split(" ")[0]}` : "");
  if (page.scrollWidth > page.clientWidth) {
    // the outermost boxes that stick out on the right
    const out = [...document.querySelectorAll("body *")].filter((el) =>
      el.getBoundingClientRect().right > page.clientWidth + 1 &&
      !(el.parentElement && el.parentElement.getBoundingClientRect().right > page.clientWidth + 1));
    const where = out.slice(0, 3).map(name).join(", ");
    found.push(`page ${page.scrollWidth - page.clientWidth} px (${where})`);
  }
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (!/(auto|scroll)/.test(style.overflowX) || el.closest(".timetable-scroll")) { continue; }
    if (el.scrollWidth > el.clientWidth + 1 && el.clientHeight > 0) {
      found.push(`${name(el)} ${el.scrollWidth - el.clientWidth} px`);
    }
  }
  return found;
}"""


def _sideways(page: Page) -> list[str]:
    """What scrolls sideways: the page, or a box in it (the timetable's own frame may)."""
    return page.evaluate(SIDEWAYS)


def _console(found: Found, state: str, message, page: Page) -> None:
    """Errors in the console, except the page's own status: a form sent with mistakes is
    answered 422, as it should be."""
    if message.type != "error":
        return
    if message.text.startswith("Failed to load resource") and message.location["url"] == page.url:
        return
    found.console.append(f"{state}: {message.text}")


def _walk(browser, live_server, demo, states, lang: str) -> Found:
    """Each role's states in one browser context; each state is checked at every width of
    WIDTHS in turn (the viewport resized, the page not reloaded: media queries apply at once,
    and a state reached by acting on the page is not acted twice)."""
    found = Found()
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs axe-core from npm")
    first = next(iter(WIDTHS))
    for role, role_states in states.items():
        context = browser.new_context(
            base_url=live_server,
            locale="en-GB",
            viewport={"width": first, "height": WIDTHS[first]},
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        where = {"state": ""}
        page.on("console", lambda m, w=where, p=page: _console(found, w["state"], m, p))
        page.on("pageerror", lambda e, w=where: found.console.append(f"{w['state']}: {e}"))
        if role:
            log_in(page, *demo["logins"][role])
        page.goto("/")
        if lang != "en":
            page.locator(f"button[data-lang={lang}]").click()
            page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        for state in role_states:
            where["state"] = f"{role or 'public'} · {state.name} ({state.path})"
            page.set_viewport_size({"width": first, "height": WIDTHS[first]})
            response = page.goto(state.path)
            assert response.status == 200, f"{where['state']}: HTTP {response.status}"
            if state.act:
                state.act(page)
            for width, height in WIDTHS.items():
                if width != first:
                    page.set_viewport_size({"width": width, "height": height})
                    page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                label = f"{where['state']} at {width} px"
                for v in _axe(page):
                    found.violations.append(f"{label}: {v['id']} ({v['impact']}) {v['nodes']}")
                found.overflow.extend(f"{label}: {what}" for what in _sideways(page))
        context.close()
    return found


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_every_page_passes_axe_fits_and_logs_no_error(browser, live_server, demo, states, lang):
    found = _walk(browser, live_server, demo, states, lang)
    assert found.violations == [], "\n".join(found.violations)
    assert found.overflow == [], "\n".join(found.overflow)
    assert found.console == [], "\n".join(found.console)
