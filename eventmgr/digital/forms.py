"""The organiser's settings form and the small forms of the digital pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from eventmgr.digital.settings import MAX_CERTIFICATE_MINUTES


class SettingsForm(FlaskForm):
    player_hosts = TextAreaField(
        _l("Video hosts the watch page may play or embed (one per line)"),
        validators=[Length(max=5000)],
    )
    certificate_minutes = IntegerField(
        _l("Minutes of attendance a certificate needs"),
        default=60,
        validators=[NumberRange(min=0, max=MAX_CERTIFICATE_MINUTES)],
    )
    certificates_from = DateTimeLocalField(
        _l("Certificates can be downloaded from (event time; empty: not yet)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    feedback_until = DateTimeLocalField(
        _l("Feedback closes at (event time; empty: stays open)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save"))

    def fill(self, settings, zone: ZoneInfo) -> SettingsForm:
        self.player_hosts.data = "\n".join(settings.player_hosts or [])
        self.certificate_minutes.data = settings.certificate_minutes
        for name in ("certificates_from", "feedback_until"):
            moment = getattr(settings, name)
            getattr(self, name).data = (
                moment.astimezone(zone).replace(tzinfo=None) if moment else None
            )
        return self

    def values(self, zone: ZoneInfo) -> dict:
        def aware(value: datetime | None) -> datetime | None:
            return value.replace(tzinfo=zone) if value else None

        return {
            "player_hosts": self.player_hosts.data or "",
            "certificate_minutes": self.certificate_minutes.data,
            "certificates_from": aware(self.certificates_from.data),
            "feedback_until": aware(self.feedback_until.data),
        }


class LinkForm(FlaskForm):
    label = StringField(
        _l("Who gets this link (for your own overview)"), validators=[Length(max=200)]
    )
    submit = SubmitField(_l("Make a moderator link"))


class ActionForm(FlaskForm):
    """A button that posts (revoke, announce): only the CSRF token."""
