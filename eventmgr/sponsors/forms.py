"""The organiser's sponsor form; the rules are in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from eventmgr.sponsors.models import LEVEL_NAMES


class SponsorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    url = StringField(_l("Link (https://…)"), validators=[Optional(), Length(max=500)])
    level = SelectField(
        _l("Level"), choices=[SelectChoice(key, label) for key, label in LEVEL_NAMES.items()]
    )
    position = IntegerField(
        _l("Order within the level (smaller first)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=9999)],
    )
    logo = FileField(_l("Logo (PNG, JPEG or WebP; a transparent PNG stays transparent)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    on_badges = BooleanField(_l("Show the logo on badges"))
    on_stream = BooleanField(_l("Show beside the stream for digital attendees"))
    submit = SubmitField(_l("Save"))

    def sponsor_data(self) -> dict:
        return {
            "name": self.name.data,
            "url": (self.url.data or "").strip() or None,
            "level": self.level.data,
            "position": self.position.data or 0,
            "on_badges": self.on_badges.data,
            "on_stream": self.on_stream.data,
        }
