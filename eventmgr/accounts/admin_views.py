"""The administrator's list of users and their roles."""

from flask import Blueprint, render_template
from sqlalchemy import select

from eventmgr.access import roles_required
from eventmgr.accounts.models import User
from eventmgr.db import db
from eventmgr.events.models import Event
from eventmgr.roles import Role

bp = Blueprint("accounts_admin", __name__)


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    people = db.session.scalars(select(User).order_by(User.email)).all()
    events = {e.id: e for e in db.session.scalars(select(Event))}
    return render_template("admin/users.html", users=people, events=events)
