"""Registration forms. The rules live in services.clean; the forms only carry the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from eventmgr.events.models import Event
from eventmgr.platform.errors import RuleError
from eventmgr.registration.labels import ROLE
from eventmgr.registration.models import ROLE_MARKERS, STATUSES

ANSWER_PREFIX = "answer_"
T = TypeVar("T")

MODE_CHOICES = [SelectChoice("on_site", _l("On site")), SelectChoice("digital", _l("Digital"))]
LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("nb", "Norsk bokmål")]


def category_choices(event: Event, keep: str = "") -> list[SelectChoice]:
    """The event's categories in the reader's language; a category no longer offered stays
    a choice for those who have it (`keep`)."""
    keys = list(event.category_keys)
    if keep and keep not in keys:
        keys.append(keep)
    return [SelectChoice(key, event.category_label(key)) for key in keys]


def question_choices(event: Event, question: dict[str, Any]) -> list[SelectChoice]:
    return [
        SelectChoice(c["key"], event.label(c.get("label"), c["key"]))
        for c in question.get("choices") or ()
    ]


def _question_field(event: Event, question: dict[str, Any], mark_required: bool) -> Field:
    """A form field for one of the event's questions; the rules (registration services) check
    the answer, so the field only carries it."""
    label = event.label(question.get("label"), question["key"])
    required = mark_required and question.get("required")
    if required:
        label = _("%(label)s (required)", label=label)
    kind = question.get("kind")
    if kind == "checkbox":
        return BooleanField(label)
    if kind == "multiple":
        return SelectMultipleField(
            label,
            choices=question_choices(event, question),
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
            validate_choice=False,
        )
    attrs = {"aria-required": "true"} if required else {}
    if kind == "choice":
        choices = [SelectChoice("", _("Choose…")), *question_choices(event, question)]
        return SelectField(label, choices=choices, validate_choice=False, render_kw=attrs)
    return StringField(label, render_kw=attrs | {"maxlength": 500})


def with_questions(form_class: type[T], event: Event, mark_required: bool = True) -> type[T]:
    """The form class with a field per question of the event (`answer_<key>`), in order."""
    fields = {
        ANSWER_PREFIX + q["key"]: _question_field(event, q, mark_required)
        for q in event.questions or ()
    }
    return type(form_class.__name__, (form_class,), fields) if fields else form_class


def answers_on_form(action: Callable[[], T]) -> Callable[[], T]:
    """Run a rule whose refusal names answers `answers.<key>`, so that each message lands on
    its form field `answer_<key>`."""

    def run() -> T:
        try:
            return action()
        except RuleError as exc:
            exc.fields = {answer_field(name): message for name, message in exc.fields.items()}
            raise

    return run


def answer_field(name: str) -> str:
    return ANSWER_PREFIX + name[len("answers.") :] if name.startswith("answers.") else name


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
    news_opt_in = BooleanField(_l("Send me news about the event"))
    change_notices = BooleanField(
        _l("Write to me when an item I starred moves, changes room or is cancelled"),
        default=True,
    )
    submit = SubmitField(_l("Save"))

    def for_event(self, event: Event, keep: str = "", answers: dict | None = None) -> DetailsForm:
        """The event's categories as choices (none chosen beforehand: the first choice asks
        for one); the field goes when the event has none. `answers` fill the question fields
        (made by `with_questions`) when the form is first shown."""
        choices = category_choices(event, keep)
        if choices:
            self.category.choices = choices if keep else [SelectChoice("", _("Choose…")), *choices]
        else:
            del self.category
        if answers and not self.is_submitted():
            for key, value in answers.items():
                if ANSWER_PREFIX + key in self:
                    self[ANSWER_PREFIX + key].data = value
        return self

    def answer_fields(self) -> list[Field]:
        return [f for f in self if f.name.startswith(ANSWER_PREFIX)]

    def details(self) -> dict:
        data = {
            name: getattr(self, name).data
            for name in self.data
            if name not in ("submit", "csrf_token") and not name.startswith(ANSWER_PREFIX)
        }
        if answers := {f.name[len(ANSWER_PREFIX) :]: f.data for f in self.answer_fields()}:
            data["answers"] = answers
        return data


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
    change_notices = None  # on by default; the manage page turns them off
    submit = SubmitField(_l("Register"))


class OrganiserForm(DetailsForm):
    """The organiser adds or edits someone, including the role marker and mode."""

    mode = RadioField(_l("Participation"), choices=MODE_CHOICES, default="on_site")
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE[r]) for r in ROLE_MARKERS])
    news_opt_in = None  # the person's own consent, never the organiser's
    change_notices = None


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
