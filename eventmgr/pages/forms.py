"""The event's registration settings form: the window, categories, questions, privacy, and
networking's interest tags. Lists are edited row by row, with empty rows to add to them."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from eventmgr.events.models import Event

KIND_CHOICES = [
    SelectChoice("text", _l("Text")),
    SelectChoice("choice", _l("One choice")),
    SelectChoice("multiple", _l("Several choices")),
    SelectChoice("checkbox", _l("Checkbox (yes or no)")),
]
EMPTY_ROWS = 2


def key_from(text: str, letter_first: bool = True) -> str:
    """A key made from a label: lower-case a-z, digits and _ (æøå become ae, o, a); a
    question's key starts with a letter."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if letter_first and key and not key[0].isalpha():
        key = "q_" + key
    return key[:40].rstrip("_")


class CategoryRow(Form):
    key = StringField(_l("Key"), validators=[Optional(), Length(max=40)])
    label_en = StringField(_l("English"), validators=[Optional(), Length(max=100)])
    label_nb = StringField(_l("Bokmål"), validators=[Optional(), Length(max=100)])
    remove = BooleanField(_l("Remove"))

    def value(self) -> dict[str, Any] | None:
        """The category, None for an empty or removed row; a missing key is the English
        label in lower case (as the demo's keys are)."""
        en, nb = (self.label_en.data or "").strip(), (self.label_nb.data or "").strip()
        key = (self.key.data or "").strip() or en.lower()
        if self.remove.data or not (key or en):
            return None
        return {"key": key, "label": {"en": en} | ({"nb": nb} if nb else {})}


class QuestionRow(Form):
    key = StringField(_l("Key"), validators=[Optional(), Length(max=40)])
    label_en = StringField(_l("Question in English"), validators=[Optional(), Length(max=300)])
    label_nb = StringField(_l("Question in Bokmål"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("Kind of answer"), choices=KIND_CHOICES)
    required = BooleanField(_l("An answer is required"))
    choices = TextAreaField(
        _l("Choices, one a line: key | English | Bokmål"),
        validators=[Optional(), Length(max=10000)],
    )
    remove = BooleanField(_l("Remove"))

    def value(self) -> dict[str, Any] | None:
        en, nb = (self.label_en.data or "").strip(), (self.label_nb.data or "").strip()
        key = (self.key.data or "").strip() or key_from(en)
        if self.remove.data or not (key or en):
            return None
        question = {
            "key": key,
            "label": {"en": en} | ({"nb": nb} if nb else {}),
            "kind": self.kind.data,
            "required": bool(self.required.data),
        }
        question["choices"] = _choices(self.choices.data or "")
        return question


def _choices(text: str) -> list[dict[str, Any]]:
    """Lines of `key | English | Bokmål`, `English | Bokmål` or `English`."""
    choices = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not any(parts):
            continue
        if len(parts) >= 3:
            key, en, nb = parts[0] or key_from(parts[1], False), parts[1], "|".join(parts[2:])
        else:
            en, nb = parts[0], parts[1] if len(parts) == 2 else ""
            key = key_from(en, False)
        choices.append({"key": key, "label": {"en": en} | ({"nb": nb} if nb else {})})
    return choices


def choices_text(question: dict[str, Any]) -> str:
    lines = []
    for choice in question.get("choices") or ():
        label = choice.get("label") or {}
        lines.append(f"{choice['key']} | {label.get('en', '')} | {label.get('nb', '')}".rstrip())
    return "\n".join(lines)


class SettingsForm(FlaskForm):
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens (empty: as soon as the event is published)"),
        validators=[Optional()],
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes (empty: when the event ends)"), validators=[Optional()]
    )
    proof_hours = IntegerField(
        _l("Hours to prove the address (0: no proof needed)"),
        default=24,
        validators=[InputRequired(), NumberRange(min=0, max=720)],
    )
    categories = FieldList(FormField(CategoryRow), label=_l("Attendee categories"))
    questions = FieldList(FormField(QuestionRow), label=_l("Questions"))
    organiser_name = StringField(
        _l("Organiser (responsible for the personal data)"),
        validators=[Optional(), Length(max=200)],
    )
    contact_email = EmailField(
        _l("Contact address for privacy questions"), validators=[Optional(), Length(max=254)]
    )
    privacy_en = TextAreaField(
        _l("Privacy notice in English (empty: the default notice)"),
        validators=[Optional(), Length(max=20000)],
    )
    privacy_nb = TextAreaField(
        _l("Privacy notice in Bokmål (empty: the default notice)"),
        validators=[Optional(), Length(max=20000)],
    )
    interest_tags = TextAreaField(
        _l("Interest tags for networking, one a line"), validators=[Optional(), Length(max=20000)]
    )
    submit = SubmitField(_l("Save"))

    def fill(self, event: Event, tags: list[str]) -> SettingsForm:
        """The event's current settings, and empty rows to add categories and questions."""
        for name in ("registration_opens_at", "registration_closes_at"):
            moment = getattr(event, name)
            self[name].data = event.local(moment).replace(tzinfo=None) if moment else None
        for category in event.categories or ():
            label = category.get("label") or {}
            self.categories.append_entry(
                {"key": category["key"], "label_en": label.get("en"), "label_nb": label.get("nb")}
            )
        for question in event.questions or ():
            label = question.get("label") or {}
            self.questions.append_entry(
                {
                    "key": question["key"],
                    "label_en": label.get("en"),
                    "label_nb": label.get("nb"),
                    "kind": question["kind"],
                    "required": question.get("required", False),
                    "choices": choices_text(question),
                }
            )
        for _n in range(EMPTY_ROWS):
            self.categories.append_entry()
            self.questions.append_entry()
        self.proof_hours.data = event.proof_hours
        self.organiser_name.data = event.organiser_name
        self.contact_email.data = event.contact_email
        notice = event.privacy_notice or {}
        self.privacy_en.data, self.privacy_nb.data = notice.get("en"), notice.get("nb")
        self.interest_tags.data = "\n".join(tags)
        return self

    def event_data(self, event: Event) -> dict[str, Any]:
        """The event's settings as the events service takes them."""

        def aware(value: datetime | None) -> datetime | None:
            return value.replace(tzinfo=event.tz) if value else None

        privacy = {"en": self.privacy_en.data or "", "nb": self.privacy_nb.data or ""}
        return {
            "registration_opens_at": aware(self.registration_opens_at.data),
            "registration_closes_at": aware(self.registration_closes_at.data),
            "categories": [v for row in self.categories if (v := row.form.value())],
            "questions": [v for row in self.questions if (v := row.form.value())],
            "proof_hours": self.proof_hours.data,
            "organiser_name": self.organiser_name.data,
            "contact_email": self.contact_email.data,
            "privacy_notice": privacy,
        }

    def tags(self) -> list[str]:
        return [t.strip() for t in (self.interest_tags.data or "").splitlines() if t.strip()]
