"""The organiser's event form; times are entered as wall-clock time in the event's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from eventmgr.accounts.services import MIN_PASSWORD_LENGTH
from eventmgr.events.services import SLUG_RE, valid_timezone
from eventmgr.events.staff import ROLE_LABELS


def _slug(form, field) -> None:
    if not SLUG_RE.match(field.data or ""):
        raise ValidationError(_l("Use lower-case letters, digits and single hyphens."))


def _timezone(form, field) -> None:
    if not valid_timezone(field.data or ""):
        raise ValidationError(_l("Unknown time zone; use a name such as Europe/Oslo."))


class EventForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name in links"), validators=[DataRequired(), Length(max=80), _slug]
    )
    timezone = StringField(
        _l("Time zone"), default="Europe/Oslo", validators=[DataRequired(), _timezone]
    )
    starts_at = DateTimeLocalField(_l("Starts"), validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    onsite_capacity = IntegerField(
        _l("On-site places (empty: unlimited)"), validators=[Optional(), NumberRange(min=0)]
    )
    digital_capacity = IntegerField(
        _l("Digital places (empty: unlimited)"), validators=[Optional(), NumberRange(min=0)]
    )
    stream_url = URLField(
        _l("Streaming link for digital attendees"),
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
    )
    published = BooleanField(_l("Published"))
    submit = SubmitField(_l("Save"))

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The event must end after it starts."))

    def event_data(self) -> dict:
        """The form's values as the service takes them: aware datetimes, None for blanks."""
        zone = ZoneInfo(self.timezone.data)
        data = {
            name: (getattr(self, name).data or None)
            for name in ("name", "venue", "address", "description", "stream_url")
        }
        data.update(
            slug=self.slug.data,
            timezone=self.timezone.data,
            starts_at=_aware(self.starts_at.data, zone),
            ends_at=_aware(self.ends_at.data, zone),
            onsite_capacity=self.onsite_capacity.data,
            digital_capacity=self.digital_capacity.data,
            published=self.published.data,
        )
        return data


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    return value.replace(tzinfo=zone)


class InviteForm(FlaskForm):
    """Invite someone to a staff role at the event."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    submit = SubmitField(_l("Send the invitation"))


class NewAccountForm(FlaskForm):
    """Accepting an invitation with a new account: the link proved the address."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
    confirm_password = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Accept and create my account"))


class AcceptForm(FlaskForm):
    submit = SubmitField(_l("Accept the invitation"))


class CopyForm(FlaskForm):
    """Next year's edition: a new name, link and start; everything else is carried over."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name in links"), validators=[DataRequired(), Length(max=80), _slug]
    )
    starts_at = DateTimeLocalField(_l("Starts"), validators=[DataRequired()])
    submit = SubmitField(_l("Create the new edition"))
