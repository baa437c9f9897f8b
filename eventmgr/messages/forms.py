"""The organiser's message form: texts in both languages, the audience's filters, and when."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventmgr.events.models import Event
from eventmgr.registration.labels import label
from eventmgr.registration.models import MODES, ROLE_MARKERS, STATUSES

ANY, YES, NO = "", "yes", "no"


def _multi(text) -> SelectMultipleField:
    return SelectMultipleField(
        text,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )


def _either(text) -> SelectField:
    return SelectField(
        text,
        choices=[
            SelectChoice(ANY, _l("Either")),
            SelectChoice(YES, _l("Yes")),
            SelectChoice(NO, _l("No")),
        ],
        default=ANY,
    )


class MessageForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=[
            SelectChoice(
                "practical", _l("Practical: about attending, to everyone in the audience")
            ),
            SelectChoice(
                "news", _l("News: only to those who asked for news, with an unsubscribe link")
            ),
        ],
        default="practical",
    )
    subject_en = StringField(_l("Subject (English)"))
    body_en = TextAreaField(_l("Text (English)"), render_kw={"rows": 8})
    subject_nb = StringField(_l("Subject (Norwegian)"))
    body_nb = TextAreaField(_l("Text (Norwegian)"), render_kw={"rows": 8})
    mode = _multi(_l("Participation"))
    status = _multi(_l("Status (none ticked: everyone not cancelled)"))
    category = _multi(_l("Category"))
    role = _multi(_l("Role"))
    speakers = _either(_l("Speakers and moderators"))
    checked_in = _either(_l("Checked in"))
    networking = _either(_l("Networking participants"))
    delegation = SelectField(_l("Delegation"), choices=[], default="")
    starred_item = SelectField(_l("People who starred"), choices=[], default="")
    answers = TextAreaField(
        _l("Answers to questions (one key:value a line)"), render_kw={"rows": 2}
    )
    send_at = DateTimeLocalField(
        _l("Send at (event's time; empty: now)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    preview = SubmitField(_l("Count and preview"))
    test = SubmitField(_l("Send a test to me"))
    send = SubmitField(_l("Send"))

    def for_event(self, event: Event, delegations: list, items: list) -> MessageForm:
        self.mode.choices = [SelectChoice(m, label("mode", m)) for m in MODES]
        self.status.choices = [SelectChoice(s, label("status", s)) for s in STATUSES]
        self.category.choices = [
            SelectChoice(c["key"], event.category_label(c["key"])) for c in event.categories or ()
        ]
        self.role.choices = [SelectChoice(r, label("role", r)) for r in ROLE_MARKERS]
        self.delegation.choices = [SelectChoice("", _l("Any"))] + [
            SelectChoice(str(d.id), d.name) for d in delegations
        ]
        self.starred_item.choices = [SelectChoice("", _l("Anyone"))] + [
            SelectChoice(str(i), t) for i, t in items
        ]
        return self

    def message(self, event: Event) -> dict[str, Any]:
        """The form as the messages rules take it (the API's shape)."""
        audience: dict[str, Any] = {}
        for name in ("mode", "status", "category", "role"):
            if getattr(self, name).data:
                audience[name] = list(getattr(self, name).data)
        for name in ("speakers", "checked_in", "networking"):
            value = getattr(self, name).data
            if value in (YES, NO):
                audience[name] = value == YES
        for name in ("delegation", "starred_item"):
            value = getattr(self, name).data
            if value and value.isdigit():
                audience[name] = int(value)
        answers = {}
        for line in (self.answers.data or "").splitlines():
            key, sep, value = line.strip().partition(":")
            if key:
                answers[key.strip()] = value.strip() if sep else ""
        if answers:
            audience["answers"] = answers
        send_at = self.send_at.data.isoformat() if self.send_at.data else None
        return {
            "kind": self.kind.data,
            "subject": {"en": self.subject_en.data or "", "nb": self.subject_nb.data or ""},
            "body": {"en": self.body_en.data or "", "nb": self.body_nb.data or ""},
            "audience": audience,
            "send_at": send_at,
        }


# errors of the rules (API names) on the form's fields
FIELD_OF = {
    "subject": "subject_en",
    "subject.en": "subject_en",
    "subject.nb": "subject_nb",
    "body": "body_en",
    "body.en": "body_en",
    "body.nb": "body_nb",
}


def form_field(name: str) -> str:
    if name in FIELD_OF:
        return FIELD_OF[name]
    if name.startswith("audience.answers"):
        return "answers"
    if name.startswith("audience."):
        return name.split(".")[1]
    return name


class SettingsForm(FlaskForm):
    """The event's automatic mail; each is on until turned off."""

    speaker_briefs = BooleanField(
        _l("Tell speakers and moderators their items when the programme is published")
    )
    day_before = BooleanField(
        _l("The day before: on-site people get time, venue and badge; digital people how to watch")
    )
    stream_reminder = BooleanField(
        _l("Thirty minutes before the first streamed item: digital people get the stream link")
    )
    speaker_reminder = BooleanField(_l("The day before: speakers and moderators get their slot"))
    starred_changes = BooleanField(
        _l("When a publication moves or cancels a starred item: tell those who starred it")
    )
    save = SubmitField(_l("Save"))
