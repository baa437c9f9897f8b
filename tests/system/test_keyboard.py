"""By keyboard, in real Chromium: every control of the door scanner and the registration form is
reached with Tab and shows a focus ring of at least 3:1 against the page (WCAG 1.4.11); a
failed registration puts the focus on a summary that links to each field."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support import log_in

# A control's name for the report; a radio group is one stop (arrow keys choose within it).
NAME_JS = """(el) => el.type === "radio" ? `radio ${el.name}`
  : el.id || el.getAttribute("name") || el.textContent.trim().slice(0, 30) || el.tagName"""

# The focused element's ring: its outline (or Pico's box-shadow), its width and its contrast
# with the background behind it.
RING = (
    """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let back = el.parentElement, bg = "rgb(255, 255, 255)";
  while (back) {
    const c = getComputedStyle(back).backgroundColor;
    if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") { bg = c; break; }
    back = back.parentElement;
  }
  let colour = style.outlineColor, width = parseFloat(style.outlineWidth);
  if (style.outlineStyle === "none") {
    const shadow = style.boxShadow.match(/(rgba?\\([^)]*\\))\\s+0px\\s+0px\\s+0px\\s+([\\d.]+)px/);
    colour = shadow ? shadow[1] : "rgb(255, 255, 255)";
    width = shadow ? parseFloat(shadow[2]) : 0;
  }
  // a translucent ring is seen blended with what is behind it
  const alpha = Number((colour.match(/[\\d.]+/g) || [])[3] ?? 1);
  const seen = rgb(colour).map((v, i) => v * alpha + rgb(bg)[i] * (1 - alpha));
  const [a, b] = [lum(seen), lum(rgb(bg))].sort((x, y) => y - x);
  return {name: ("""
    + NAME_JS
    + """)(el), contrast: (a + 0.05) / (b + 0.05), width};
}"""
)

CONTROLS = (
    """(root) => [...document.querySelector(root).querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea")]
  .filter((el) => !el.disabled && el.offsetParent !== null)
  .map("""
    + NAME_JS
    + ")"
)


def _tab_through(page: Page, root: str) -> tuple[set[str], list[str]]:
    """Tab from the top of the page to its end: the controls reached inside `root`, and each
    whose focus ring is too faint or too thin."""
    expected = page.evaluate(CONTROLS, root)
    page.locator(".skip-link").focus()  # the first stop of the page
    reached, faint = set(), []
    for _ in range(200):
        page.keyboard.press("Tab")
        if not page.evaluate(f"!!document.activeElement.closest({root!r})"):
            if reached:
                break
            continue
        ring = page.evaluate(RING)
        reached.add(ring["name"])
        if ring["contrast"] < 3 or ring["width"] < 2:
            faint.append(f"{ring['name']}: {ring['contrast']:.2f}:1, {ring['width']} px")
    return set(expected) - reached, faint


@pytest.mark.browser
def test_the_registration_form_by_keyboard_with_visible_focus(page, demo):
    page.goto(f"/events/{demo['slug']}/register")
    missed, faint = _tab_through(page, "main form")
    assert missed == set()
    assert faint == []


@pytest.mark.browser
def test_the_door_scanner_by_keyboard_with_visible_focus(page, demo):
    log_in(page, *demo["logins"]["door_staff"])
    page.goto(f"/door/{demo['slug']}")
    expect(page.locator("#scanner")).to_have_attribute("data-snapshot-ready", "1")
    missed, faint = _tab_through(page, "#scanner")
    assert missed == set()
    assert faint == []


@pytest.mark.browser
def test_a_failed_registration_summarises_and_takes_the_focus(page, demo):
    page.goto(f"/events/{demo['slug']}/register")
    expect(page.get_by_label("Name")).to_have_attribute("autocomplete", "name")
    expect(page.get_by_label("Email")).to_have_attribute("autocomplete", "email")
    expect(page.get_by_label("Organisation")).to_have_attribute("autocomplete", "organization")
    expect(page.get_by_label("Job title")).to_have_attribute("autocomplete", "organization-title")
    for required in ("Name", "Email", "I have read and accept the privacy notice"):
        expect(page.get_by_label(required)).to_have_attribute("required", "")
    page.get_by_role("button", name="Register").focus()
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.get_by_role("link")
    expect(links.first).to_contain_text("Name")
    consent = page.get_by_label("I have read and accept the privacy notice")
    expect(consent).to_have_attribute("aria-invalid", "true")
    described = consent.get_attribute("aria-describedby")
    expect(page.locator(f"#{described}")).to_contain_text("privacy notice")
    summary.get_by_role("link", name="privacy notice").focus()
    page.keyboard.press("Enter")
    expect(consent).to_be_focused()
