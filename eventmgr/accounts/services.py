"""Account rules: creating users, granting roles, passwords, reset links and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from eventmgr import audit
from eventmgr.accounts.models import ApiToken, RoleAssignment, User
from eventmgr.mail.services import queue_mail
from eventmgr.platform.db import commit, db
from eventmgr.platform.errors import RuleError
from eventmgr.platform.roles import EVENT_ROLES, Role
from eventmgr.platform.tokens import hash_secret
from eventmgr.platform.urls import external_url

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "em_"


class AccountError(RuleError):
    """A request about accounts that breaks a rule; `fields` names what is wrong."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            {"password": f"The password must have at least {MIN_PASSWORD_LENGTH} characters."}
        )
    user.password_hash = generate_password_hash(password)


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
    db.session.add(ApiToken(user=user, token_hash=hash_secret(token)))
    return token


def user_for_token(token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(token)))
    if api_token is None or not api_token.user.active:
        return None
    return api_token.user


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
