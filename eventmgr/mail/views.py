"""The administrator's outbox: every email the system queued or sent."""

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.access import roles_required
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role
from eventmgr.platform.web import page_arg

bp = Blueprint("mail", __name__)
PAGE_SIZE = 50


@bp.route("/admin/outbox")
@roles_required(Role.ADMIN)
def outbox():
    page = page_arg()
    messages = db.session.scalars(
        select(OutboxMessage)
        .order_by(OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    total = db.session.scalar(select(func.count(OutboxMessage.id)))
    return render_template(
        "admin/outbox.html", messages=messages, page=page, total=total, page_size=PAGE_SIZE
    )


@bp.route("/admin/outbox/<int:outbox_id>")
@roles_required(Role.ADMIN)
def message(outbox_id: int):
    item = db.session.get(OutboxMessage, outbox_id)
    if item is None:
        abort(404)
    return render_template("admin/message.html", message=item)
