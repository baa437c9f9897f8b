"""The organiser's badge export form; the rules (formats, roles, dates) live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField

from eventmgr.badges.pdf import FORMATS, ROLES
from eventmgr.badges.services import DEFAULT_FORMAT, FORMAT_LABELS, ROLE_LABELS

ALL, SINCE, LAST_RUN = "all", "since", "last_run"


class ExportForm(FlaskForm):
    format = RadioField(
        _l("Format"),
        choices=[SelectChoice(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
        default=DEFAULT_FORMAT,
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("All roles"))]
        + [SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
    )
    which = RadioField(
        _l("Who"),
        choices=[
            SelectChoice(ALL, _l("Everyone confirmed on site")),
            SelectChoice(SINCE, _l("Registered since the date below")),
            SelectChoice(LAST_RUN, _l("New or changed since the last print run")),
        ],
        default=ALL,
    )
    since = StringField(
        _l("Registered since (date or date and time, in the event's time zone)"),
        render_kw={"type": "datetime-local"},
    )
    submit = SubmitField(_l("Make the badge PDF"))
