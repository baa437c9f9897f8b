"""Registration forms. The rules live in services.clean; the forms only carry the fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from eventmgr.events.models import Event
from eventmgr.registration.labels import ROLE
from eventmgr.registration.models import ROLE_MARKERS, STATUSES

MODE_CHOICES = [SelectChoice("on_site", _l("On site")), SelectChoice("digital", _l("Digital"))]
LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("nb", "Norsk bokmål")]


def category_choices(event: Event, keep: str = "") -> list[SelectChoice]:
    """The event's categories in the reader's language; a category no longer offered stays
    a choice for those who have it (`keep`)."""
    keys = list(event.category_keys)
    if keep and keep not in keys:
        keys.append(keep)
    return [SelectChoice(key, event.category_label(key)) for key in keys]


class DetailsForm(FlaskForm):
    """What a registrant may change about themselves. `for_event` sets the event's choices."""

    name = StringField(_l("Name"))
    email = StringField(_l("Email"))
    organisation = StringField(_l("Organisation"))
    job_title = StringField(_l("Job title"))
    category = SelectField(_l("Category"), choices=[])
    dietary_needs = TextAreaField(_l("Dietary needs (on site only)"))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    networking_opt_in = BooleanField(_l("I want to take part in networking (a profile others see)"))
    submit = SubmitField(_l("Save"))

    def for_event(self, event: Event, keep: str = "") -> DetailsForm:
        """The event's categories as choices; the field goes when the event has none."""
        choices = category_choices(event, keep)
        if choices:
            self.category.choices = choices
        else:
            del self.category
        return self

    def details(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in self.data
            if name not in ("submit", "csrf_token")
        }


class RegisterForm(DetailsForm):
    mode = RadioField(_l("Participation"), choices=MODE_CHOICES, default="on_site")
    when_full = RadioField(
        _l("On-site places are taken. Instead:"),
        choices=[
            SelectChoice("waitlist", _l("Put me on the waiting list for on site")),
            SelectChoice("digital", _l("Give me a digital place")),
        ],
        default="waitlist",
    )
    consent = BooleanField(_l("I have read and accept the privacy notice"))
    submit = SubmitField(_l("Register"))


class OrganiserForm(DetailsForm):
    """The organiser adds or edits someone, including the role marker and mode."""

    mode = RadioField(_l("Participation"), choices=MODE_CHOICES, default="on_site")
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE[r]) for r in ROLE_MARKERS])


class ModeForm(FlaskForm):
    mode = RadioField(_l("Participation"), choices=MODE_CHOICES)
    join_waitlist = BooleanField(_l("If it is full, put me on the waiting list"))
    submit = SubmitField(_l("Switch"))


class ConfirmForm(FlaskForm):
    confirm = BooleanField(_l("Yes, I am sure"))
    submit = SubmitField(_l("Confirm"))


class ActionForm(FlaskForm):
    """A button that posts (cancel, promote, resend): CSRF only."""


STATUS_CHOICES = STATUSES
