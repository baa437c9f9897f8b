"""The administrator's outbox: every email the system queued or sent."""

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select

from eventmgr.access import roles_required
from eventmgr.db import db
from eventmgr.mail.models import OutboxMessage
from eventmgr.roles import Role

bp = Blueprint("mail", __name__)
PAGE_SIZE = 50


@bp.route("/admin/outbox")
@roles_required(Role.ADMIN)
def outbox():
    page = max(request.args.get("page", 1, type=int), 1)
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


@bp.route("/admin/outbox/<int:message_id>")
@roles_required(Role.ADMIN)
def message(message_id: int):
    item = db.session.get(OutboxMessage, message_id)
    if item is None:
        abort(404)
    return render_template("admin/message.html", message=item)
