"""What a registration mail says (confirmation, existing link, promotion, cancellation), in the
registrant's language. Rendering costs more than the rest of a sign-up, so each text is
rendered once per kind, language, mode, status and event, and the name and link filled in."""

from __future__ import annotations

import secrets
from contextlib import nullcontext

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import JSON

from eventmgr.events.models import Event
from eventmgr.mail.models import OutboxMessage
from eventmgr.mail.services import queue_mail
from eventmgr.platform.urls import external_url
from eventmgr.registration.links import badge_url, calendar_url, manage_url
from eventmgr.registration.models import CONFIRMED, ON_SITE, Registration

SUBJECTS = {
    "confirmation": lambda r: _("Your registration for %(event)s", event=r.event.name),
    "existing": lambda r: _("Your registration for %(event)s", event=r.event.name),
    "promoted": lambda r: _("A place is yours: %(event)s", event=r.event.name),
    "cancelled": lambda r: _("Registration cancelled: %(event)s", event=r.event.name),
    "unproven": lambda r: _(
        "Your place went back to the waiting list: %(event)s", event=r.event.name
    ),
    "address_confirm": lambda r: _("Confirm your new address: %(event)s", event=r.event.name),
    "address_change": lambda r: _("Your address is being changed: %(event)s", event=r.event.name),
    "address_taken": lambda r: _("Your registration for %(event)s", event=r.event.name),
}


def address_mail(
    registration: Registration, kind: str, recipient: str, token: str | None = None
) -> OutboxMessage:
    """A mail about a change of address (to the new address with its link, a notice to the old
    one, or a notice to the owner of an address asked for); rare, so rendered each time."""
    with force_locale(registration.language or "en"):
        body = render_template(
            "mail/registration_address.txt",
            kind=kind,
            name=registration.name,
            event=registration.event,
            link=manage_url(token) if token else None,
            privacy_url=external_url("pages.privacy", slug=registration.event.slug),
        )
        subject = SUBJECTS[kind](registration)
    return queue_mail(recipient, subject, body, rule=f"registration.{kind}")


def mail(registration: Registration, kind: str, token: str | None = None) -> OutboxMessage:
    """A message in the registrant's language; with a fresh token it carries the personal links
    (without one it points to the link sent before: only a hash of it is kept)."""
    return queue_mail(*render_mail(registration, kind, token), rule=f"registration.{kind}")


class _MailFields:
    """What a registration mail may show of its registration. Rendered texts are kept per
    event, language, kind, mode and status, with slots for the name and the token; a template
    that reads any other field fails loudly instead of mailing someone else's value."""

    __slots__ = ("event", "language", "mode", "name", "proven", "status")

    def __init__(self, registration: Registration, name: str):
        self.event = registration.event
        self.proven = registration.email_proven_at is not None
        self.language = registration.language or "en"
        self.mode = registration.mode
        self.status = registration.status
        self.name = name

    @property
    def confirmed_on_site(self) -> bool:
        return self.status == CONFIRMED and self.mode == ON_SITE

    def __getattr__(self, name: str):
        raise RuntimeError(f"registration mails are cached without {name!r}: add it to _MailFields")


_SLOT = secrets.token_hex(12)  # per process: nobody can type it into a name to fill a slot
_NAME_SLOT, _TOKEN_SLOT = f"name{_SLOT}", f"token{_SLOT}"
# What a mail may show of its event; JSON (categories, questions, the privacy text) is no part
# of any mail, and could not be a key of the cache.
_EVENT_FIELDS = tuple(
    attr.key for attr in Event.__mapper__.column_attrs if not isinstance(attr.columns[0].type, JSON)
)
_RENDERED: dict[tuple, tuple[str, str]] = {}


def render_mail(
    registration: Registration, kind: str, token: str | None = None
) -> tuple[str, str, str]:
    """(recipient, subject, body) of a registration mail. Rendering (templates, translations,
    dates) costs more than the rest of a sign-up, so each text is rendered once and filled in."""
    fields = _MailFields(registration, _NAME_SLOT)
    event = fields.event
    key = (
        kind,
        fields.language,
        fields.mode,
        fields.status,
        fields.proven,
        token is not None,
        current_app.config["BASE_URL"],
        tuple(getattr(event, name) for name in _EVENT_FIELDS),
    )
    rendered = _RENDERED.get(key)
    if rendered is None:
        if len(_RENDERED) > 2000:
            _RENDERED.clear()
        rendered = _RENDERED[key] = _render_mail_template(fields, kind, token is not None)
    subject, body = rendered
    if token is not None:
        body = body.replace(_TOKEN_SLOT, token)
    return registration.email, subject, body.replace(_NAME_SLOT, registration.name)


def _render_mail_template(fields: _MailFields, kind: str, with_links: bool) -> tuple[str, str]:
    outside = not has_request_context()
    request_context = (
        current_app.test_request_context(base_url=current_app.config["BASE_URL"])
        if outside
        else nullcontext()
    )
    token = _TOKEN_SLOT if with_links else None
    with request_context, force_locale(fields.language):
        body = render_template(
            "mail/registration.txt",
            kind=kind,
            registration=fields,
            event=fields.event,
            manage_url=manage_url(token) if token else None,
            calendar_url=calendar_url(token) if token else None,
            badge_url=badge_url(token) if token and fields.confirmed_on_site else None,
            privacy_url=external_url("pages.privacy", slug=fields.event.slug),
        )
        subject = SUBJECTS[kind](fields)
    return subject, body
