"""Account rules: creating users, granting and removing roles, passwords, reset links, sessions,
API tokens, and the administrator's deactivation."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app, g, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from eventmgr import audit
from eventmgr.accounts.models import ApiToken, RoleAssignment, User
from eventmgr.mail.services import queue_mail
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.errors import RuleError
from eventmgr.platform.roles import EVENT_ROLES, Role
from eventmgr.platform.tokens import hash_secret
from eventmgr.platform.urls import external_url

log = logging.getLogger(__name__)
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "em_"
SHOWN_PREFIX = len(TOKEN_PREFIX) + 8
"""How much of a token lists show: 48 of its 256 random bits, enough to tell tokens apart."""
TOKEN_USE_INTERVAL = timedelta(minutes=5)
"""A token's "last used" is written at most this often, not on every call."""


class AccountError(RuleError):
    """A request about accounts that breaks a rule; `fields` names what is wrong."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def set_password(user: User, password: str) -> None:
    """A new password ends every session of the user (a changed or reset password, or one set
    with `flask users create`): whoever held the old one is signed out everywhere."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            {"password": f"The password must have at least {MIN_PASSWORD_LENGTH} characters."}
        )
    user.password_hash = generate_password_hash(password)
    end_sessions(user)


def check_password(user: User | None, password: str) -> bool:
    """Compare in constant time; a missing user still costs a hash so timing tells nothing."""
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if check_password(user, password) and user is not None and user.active:
        return user
    return None


def get_or_create_user(email: str, name: str = "", password: str | None = None) -> User:
    """The user with that email, created when missing; a given password is (re)set."""
    user = find_user(email)
    if user is None:
        user = User(email=normalise_email(email), name=name)
        db.session.add(user)
    elif name and not user.name:
        user.name = name
    if password is not None:
        set_password(user, password)
    return user


def grant_role(user: User, role: str, event_id: int | None = None) -> RoleAssignment:
    """Give a role once; event roles need an event, global roles must not have one."""
    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError({"role": f"Unknown role {role!r}."}) from exc
    if role in EVENT_ROLES and event_id is None:
        raise AccountError(
            {"event": f"The role {role.value} is given for one event: name the event."}
        )
    if role not in EVENT_ROLES:
        event_id = None
    for assignment in user.roles:
        if assignment.role == role and assignment.event_id == event_id:
            return assignment
    assignment = RoleAssignment(role=role.value, event_id=event_id)
    user.roles.append(assignment)
    audit.record(
        "account.role_granted",
        event=event_id,
        target=("User", user.id or user.email),
        details={"role": role.value},
    )
    return assignment


def issue_api_token(user: User) -> str:
    """A new bearer token for the user; the plain token is shown once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_secret(token), prefix=token[:SHOWN_PREFIX]))
    audit.record(
        "account.token_issued",
        target=("User", user.id or user.email),
        details={"email": user.email, "token": token[:SHOWN_PREFIX]},
    )
    return token


def user_for_token(token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(token)))
    if api_token is None or not api_token.user.active:
        return None
    note_token_use(api_token.id, api_token.last_used_at)
    return api_token.user


def note_token_use(token_id: int, last_used_at: Any) -> None:
    """Remember to write the token's "last used" once the request is over (`record_token_use`),
    when the stored one is older than TOKEN_USE_INTERVAL."""
    if last_used_at is None or last_used_at < utcnow() - TOKEN_USE_INTERVAL:
        g.used_api_token = token_id


def record_token_use() -> None:
    """Write "last used" of the request's token, after the request's own transaction ended: a
    write of its own, so a GET stays a read and no request's snapshot goes stale (SQLite)."""
    token_id = g.pop("used_api_token", None)
    if token_id is None:
        return
    db.session.remove()
    now = utcnow()
    stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOKEN_USE_INTERVAL)
    try:
        with db.engine.begin() as conn:
            conn.execute(
                update(ApiToken).where(ApiToken.id == token_id, stale).values(last_used_at=now)
            )
    except SQLAlchemyError as exc:  # a note for the administrator, never the request's failure
        log.warning("could not record the use of API token %s: %s", token_id, exc)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (for lists: prefix, created, last used)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


# --------------------------------------------------------------------------- sessions


def user_for_session(user_id: str) -> User | None:
    """The user a session or remember cookie names ("<id>:<session version>"), if that is
    still their current session version and the account is active."""
    number, _sep, version = user_id.partition(":")
    if not (number.isdigit() and version.isdigit()) or len(number) > 18:
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """Every session of the user, on every device, ends with this unit of work."""
    user.session_version = (user.session_version or 0) + 1


def log_out(user: User) -> None:
    """Logging out ends the user's sessions everywhere, so a copied cookie is worth nothing."""
    end_sessions(user)
    commit()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    """Part of the current hash, so a link stops working once the password changed."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link was made for, if it is genuine, unused and not expired."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or data.get("p") != _password_fingerprint(user) or not user.active:
        return None
    return user


# --------------------------------------------------------------------------- actions


def change_password(user: User, current: str, new: str) -> None:
    """A signed-in user's new password, given the current one."""
    if not check_password(user, current):
        raise AccountError({"current_password": _("The current password is wrong.")})
    set_password(user, new)
    commit()


def send_reset_link(email: str) -> None:
    """Mail a reset link when the address has an active account; the caller says the same
    either way, so nobody learns which addresses have accounts."""
    user = find_user(email)
    if user is None or not user.active:
        return
    link = external_url("accounts.reset", token=password_reset_token(user))
    body = render_template("mail/password_reset.txt", user=user, link=link)
    queue_mail(user.email, _("Reset your password"), body, rule="accounts.password_reset")
    commit()


def reset_password(user: User, new: str) -> None:
    set_password(user, new)
    commit()


def set_locale(user: User, lang: str) -> None:
    """The language the user chose, kept for their next visit."""
    user.locale = lang
    commit()


# --------------------------------------------------------------------------- administration


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(User.id)))
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
    )


def _keep_an_admin(user: User, field: str) -> None:
    if user.is_admin and user.active and _other_active_admins(user) == 0:
        raise AccountError(
            {field: _("%(email)s is the last administrator.", email=user.email)}, 409
        )


def deactivate(user: User, acting: Any = None) -> None:
    """The account can no longer log in; its sessions end and its API tokens are revoked, so
    reactivating it revives nothing an attacker may have copied. Not oneself, not the last
    administrator."""
    if acting is not None and acting.id == user.id:
        raise AccountError({"user": _("You cannot deactivate your own account.")}, 409)
    if not user.active:
        return
    _keep_an_admin(user, "user")
    revoked = tokens_of(user)
    for token in revoked:
        db.session.delete(token)
    user.active = False
    end_sessions(user)
    audit.record(
        "account.deactivated",
        target=("User", user.id),
        details={"email": user.email, "tokens_revoked": len(revoked)},
    )
    commit()


def reactivate(user: User) -> None:
    """The account may log in again (with its password; old sessions and tokens stay ended)."""
    if user.active:
        return
    user.active = True
    audit.record("account.reactivated", target=("User", user.id), details={"email": user.email})
    commit()


def remove_role(user: User, assignment_id: int) -> None:
    """Take one role away; the last active administrator keeps theirs."""
    assignment = next((a for a in user.roles if a.id == assignment_id), None)
    if assignment is None:
        raise AccountError({"role": _("This user has no such role.")}, 404)
    if assignment.role == Role.ADMIN.value:
        _keep_an_admin(user, "role")
    details = {"email": user.email, "role": assignment.role}
    if assignment.event_id is not None:
        details["event"] = assignment.event.slug
    user.roles.remove(assignment)
    audit.record(
        "account.role_removed", event=assignment.event_id, target=("User", user.id), details=details
    )
    commit()


def find_role(user: User, role: str, event_id: int | None) -> RoleAssignment:
    """The user's assignment of `role` (for that event); AccountError naming it when missing."""
    for assignment in user.roles:
        if assignment.role == role and assignment.event_id == event_id:
            return assignment
    raise AccountError({"role": _("%(email)s does not hold that role.", email=user.email)}, 404)


def revoke_token(user: User, token_id: int) -> ApiToken:
    """The token stops working at once; the audit log keeps its prefix."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise AccountError({"token": _("This user has no such token.")}, 404)
    db.session.delete(token)
    audit.record(
        "account.token_revoked",
        target=("User", user.id),
        details={"email": user.email, "token": token.prefix or f"#{token.id}"},
    )
    commit()
    return token
