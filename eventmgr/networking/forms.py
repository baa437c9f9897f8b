"""Networking forms; they carry fields, the rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventmgr.networking.models import KINDS, STAGES


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: usable with a keyboard and on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


KIND_LABELS = {
    "startup": _l("Startup or company"),
    "investor": _l("Investor"),
    "researcher": _l("Researcher"),
    "clinician": _l("Clinician"),
    "industry": _l("Industry"),
    "other": _l("Other"),
}
STAGE_LABELS = {
    "": _l("Not a startup"),
    "idea": _l("Idea"),
    "pre-clinical": _l("Pre-clinical"),
    "clinical": _l("Clinical"),
    "market": _l("On the market"),
}


class ProfileForm(FlaskForm):
    organisation = StringField(_l("Organisation"))
    role = StringField(_l("Role"))
    kind = SelectField(_l("I am"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS])
    pitch = TextAreaField(_l("Short pitch"))
    offers = TextAreaField(_l("What I offer"))
    seeks = TextAreaField(_l("What I look for"))
    interests = CheckboxesField(_l("Interests"), choices=[])
    company_stage = SelectField(
        _l("Company stage (startups)"), choices=[SelectChoice(s, STAGE_LABELS[s]) for s in STAGES]
    )
    investment_focus = StringField(_l("Investment focus (investors)"))
    unavailable_slots = CheckboxesField(_l("Slots I am not available in"), choices=[], coerce=int)
    auto_match = BooleanField(
        _l("The organisers may suggest meetings for me (auto-match); I can decline each one")
    )
    submit = SubmitField(_l("Save my profile"))


class RequestForm(FlaskForm):
    message = TextAreaField(_l("Message"))
    submit = SubmitField(_l("Request a meeting"))


class CancelMeetingForm(FlaskForm):
    reason = StringField(_l("Reason"))
    submit = SubmitField(_l("Cancel the meeting"))


class ActionForm(FlaskForm):
    """A button that posts: CSRF only."""


class FeedbackForm(FlaskForm):
    happened = SelectField(
        _l("Did the meeting happen?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
    )
    rating = SelectField(
        _l("Rating"), choices=[SelectChoice("", "–")] + [SelectChoice(str(n)) for n in range(1, 6)]
    )
    submit = SubmitField(_l("Save"))


class SettingsForm(FlaskForm):
    request_expiry_hours = IntegerField(_l("Requests expire after (hours)"))
    max_open_requests = IntegerField(_l("Open requests per person, at most"))
    max_meetings = IntegerField(_l("Meetings per person, at most"))
    max_auto_meetings = IntegerField(
        _l("Meetings per person the auto-match may suggest, at most (nobody asked for them)")
    )
    interest_tags = TextAreaField(_l("Interest tags (one a line)"))
    video_base_url = StringField(
        _l("Video room service: base address (each online meeting gets a random room there)")
    )
    submit = SubmitField(_l("Save settings"))


class SlotsForm(FlaskForm):
    date = StringField(_l("Date (YYYY-MM-DD)"))
    start = StringField(_l("From (HH:MM)"), default="16:15")
    end = StringField(_l("To (HH:MM)"), default="18:15")
    minutes = IntegerField(_l("Minutes per slot"), default=15)
    submit = SubmitField(_l("Add slots"))


class TableForm(FlaskForm):
    number = IntegerField(_l("Table number"), validators=[Optional()])
    name = StringField(_l("Name (a meeting room, an office; empty for a numbered table)"))
    seats = IntegerField(_l("Seats"), default=4, validators=[Optional()])
    online = BooleanField(_l("A video room (for meetings with anyone attending online)"))
    free_slots = CheckboxesField(_l("Free in (none ticked: every slot)"), choices=[], coerce=int)
    submit = SubmitField(_l("Add the table"))


class VideoLinkForm(FlaskForm):
    video_link = StringField(_l("Video room link"))
    submit = SubmitField(_l("Save the link"))


class ScheduleForm(FlaskForm):
    auto_match = BooleanField(_l("Auto-match: add high-scoring suggested pairs"))
    time_limit = IntegerField(_l("Time limit (seconds)"), default=10, validators=[Optional()])
    submit = SubmitField(_l("Schedule"))


class DelegationForm(FlaskForm):
    name = StringField(_l("Delegation name"))
    home_organisation = StringField(_l("Home organisation"))
    lead_name = StringField(_l("Lead's name"))
    lead_email = StringField(_l("Lead's email"))
    submit = SubmitField(_l("Create and invite the lead"))


class MemberForm(FlaskForm):
    name = StringField(_l("Name"))
    email = StringField(_l("Email"))
    company = StringField(_l("Company"))
    role = StringField(_l("Role"))
    submit = SubmitField(_l("Add the member"))


class BookingForm(FlaskForm):
    """An organiser or host books a meeting; `*_with` name colleagues who come too."""

    from_id = SelectField(_l("First person"), choices=[], coerce=int)
    from_with = CheckboxesField(_l("With colleagues of the first person"), choices=[], coerce=int)
    to_id = SelectField(_l("Second person"), choices=[], coerce=int)
    to_with = CheckboxesField(_l("With colleagues of the second person"), choices=[], coerce=int)
    note = TextAreaField(_l("Why they should meet (both see it)"))
    submit = SubmitField(_l("Book the meeting"))


class HostForm(FlaskForm):
    name = StringField(_l("Name"))
    email = StringField(_l("Email"))
    submit = SubmitField(_l("Name as host"))


class DelegationRequestForm(FlaskForm):
    """A delegation lead asks for a meeting for one or more members."""

    members = CheckboxesField(_l("Who attends from the delegation"), choices=[], coerce=int)
    to = SelectField(_l("Meet"), choices=[], coerce=int)
    message = TextAreaField(_l("Message"))
    submit = SubmitField(_l("Request the meeting"))
