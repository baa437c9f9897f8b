"""The programme lead's forms; times are entered as wall-clock time in the event's zone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from eventmgr.programme.models import DELIVERY_LABELS, KIND_LABELS


class ItemForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()]
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=500)])
    parent_id = SelectField(_l("Session (for talks)"), coerce=int, default=0)
    day = DateField(_l("Day"), validators=[DataRequired()])
    start = TimeField(_l("Starts"), validators=[DataRequired()])
    end = TimeField(_l("Ends"), validators=[DataRequired()])
    room_id = SelectField(_l("Room"), coerce=int, default=0)
    delivery = SelectField(
        _l("Delivery"), choices=[SelectChoice(k.value, v) for k, v in DELIVERY_LABELS.items()]
    )
    speakers = SelectMultipleField(_l("Speakers"), coerce=int)
    moderators = SelectMultipleField(_l("Moderators"), coerce=int)
    theme = StringField(
        _l("Themes (separated by commas)"), validators=[Optional(), Length(max=300)]
    )
    abstract = TextAreaField(_l("Abstract"), validators=[Optional(), Length(max=10000)])
    cancelled = BooleanField(_l("Cancelled (stays listed, struck through)"))
    stream_url = StringField(
        _l("Stream address for this item (empty: the room's stream)"),
        validators=[Optional(), Length(max=500)],
    )
    not_streamed = BooleanField(_l("Not streamed (for example unpublished data)"))
    tech_check = TimeField(
        _l("Technical check (remote speakers; sent only to them)"), validators=[Optional()]
    )
    connection_url = StringField(
        _l("Connection link (remote speakers; sent only to them)"),
        validators=[Optional(), Length(max=500)],
    )
    submit = SubmitField(_l("Save"))

    # The service's field names, mapped to this form's fields for its error messages.
    FIELD_FOR = {
        "starts_at": "start",
        "ends_at": "end",
        "speaker_ids": "speakers",
        "moderator_ids": "moderators",
        "streamed": "not_streamed",
    }


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=500)])
    bio = TextAreaField(_l("Short biography"), validators=[Optional(), Length(max=5000)])
    links = TextAreaField(_l("Links (one web address a line)"), validators=[Optional()])
    email = StringField(
        _l("Email (never shown publicly; for telling them their slot)"),
        validators=[Optional(), Length(max=254)],
    )
    language = SelectField(
        _l("Language of their mail"),
        choices=[SelectChoice("en", "English"), SelectChoice("nb", "Norsk bokmål")],
        default="en",
    )
    photo = FileField(_l("Photo (JPEG, PNG or WebP, at most 5 MB)"))
    remove_photo = BooleanField(_l("Remove the photo"))
    submit = SubmitField(_l("Save"))


class RoomForm(FlaskForm):
    name = StringField(_l("Room name"), validators=[DataRequired(), Length(max=200)])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0)])
    stream_url = StringField(
        _l("Stream address (HLS .m3u8 or a video platform's player; digital registrants only)"),
        validators=[Optional(), Length(max=500)],
    )
    submit = SubmitField(_l("Add room"))


class ImportForm(FlaskForm):
    file = FileField(_l("Programme file (.json or .csv)"))
    submit = SubmitField(_l("Import and replace the draft"))


class PublishForm(FlaskForm):
    confirm = BooleanField(_l("Publish even though there are clashes"))
    submit = SubmitField(_l("Publish the programme"))
