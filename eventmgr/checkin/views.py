"""The door staff's start page: the events they work the door for."""

from flask import Blueprint, render_template
from flask_login import current_user

from eventmgr.access import roles_required
from eventmgr.events.services import events_with_role
from eventmgr.roles import Role

bp = Blueprint("checkin", __name__)


@bp.route("/door")
@roles_required(Role.DOOR_STAFF)
def door():
    return render_template(
        "checkin/door.html", events=events_with_role(current_user, Role.DOOR_STAFF)
    )
