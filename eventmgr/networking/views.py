"""The delegation lead's start page: the events their delegation visits."""

from flask import Blueprint, render_template
from flask_login import current_user

from eventmgr.access import roles_required
from eventmgr.events.services import events_with_role
from eventmgr.roles import Role

bp = Blueprint("networking", __name__)


@bp.route("/delegation")
@roles_required(Role.DELEGATION_LEAD)
def delegation_home():
    events = events_with_role(current_user, Role.DELEGATION_LEAD)
    return render_template("networking/delegation_home.html", events=events)
