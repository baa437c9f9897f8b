"""The menu: each entry names the roles that see it, so every role gets its own menu."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventmgr.platform.roles import Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: object
    endpoint: str
    roles: tuple[Role, ...] = ()  # empty: every signed-in user


NAV = (
    NavItem("manage", _l("Manage events"), "events.manage_list", (Role.ORGANISER,)),
    NavItem("door", _l("Door"), "checkin.door", (Role.DOOR_STAFF,)),
    NavItem("delegation", _l("Delegation"), "networking.delegation_home", (Role.DELEGATION_LEAD,)),
    NavItem("users", _l("Users"), "admin.users", (Role.ADMIN,)),
    NavItem("outbox", _l("Outbox"), "mail.outbox", (Role.ADMIN,)),
    NavItem("audit", _l("Audit log"), "admin.audit", (Role.ADMIN,)),
    NavItem("dashboard", _l("My page"), "pages.dashboard"),
    NavItem("account", _l("Account"), "accounts.account"),
)


def menu_for(user) -> list[NavItem]:
    """The entries this user sees; administrators see every entry."""
    if user is None or not user.is_authenticated:
        return []
    items = []
    for item in NAV:
        if not item.roles or user.is_admin or any(user.has_role(r) for r in item.roles):
            items.append(item)
    return items


def inject_menu() -> dict:
    return {"menu": menu_for(current_user)}
