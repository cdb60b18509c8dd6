"""Managing user accounts (the caller has checked that the acting user is an administrator).

An inactive user cannot log in, their session ends (the user loader refuses them) and their
API tokens stop authenticating (``core.security.user_for_token``); deactivating also revokes the
tokens, so reactivating an account never revives an old token.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.models import ApiToken, Area, AreaKind, Role, Team, User
from core.services import FieldErrors, clean_text

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
#: the common passwords refused, one a line (shipped with Kepu; see the file's header)
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "common_passwords.txt"
USERNAME_PATTERN = re.compile(r"^[\w.@-]+$")

#: roles that belong to a team, and roles that read an area
TEAM_ROLES = {Role.LEADER, Role.MEMBER}
AREA_ROLES = {Role.REVIEWER}


@cache
def _dummy_hash() -> str:
    """A hash made like every stored one (werkzeug's default method), of no one's password."""
    return generate_password_hash("kepu-no-such-user")


def authenticate(username: str, password: str) -> User | None:
    """The active user ``username`` if ``password`` is theirs, else None.

    An unknown or inactive user costs the same as a wrong password: a hash of the same method
    is checked either way, so the time of the answer does not tell which usernames exist.
    """
    user = db.session.execute(
        select(User).where(User.username == (username or "").strip())
    ).scalar_one_or_none()
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return None
    return user if user.check_password(password or "") else None


@dataclass
class UserInput:
    """What a page submits for an account (the username only on creation)."""

    role: Role | str | None
    display_name: str = ""
    team_id: int | None = None
    area_id: int | None = None
    username: str = ""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_errors(password: str | None, username: str = "") -> list[str]:
    """Messages about a new password for ``username`` (empty when it is acceptable).

    The one rule of Kepu's passwords, for the pages and ``kepu users create``: at least
    ``MIN_PASSWORD_LENGTH`` characters, not containing the username (whatever the case), not
    on the shipped list of common passwords.
    """
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return [_("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [_("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)]
    name = (username or "").strip().lower()
    if name and name in password.lower():
        return [_("The password may not contain the username.")]
    if password.lower() in common_passwords():
        return [_("This password is too common. Choose another one.")]
    return []


def _check(
    actor: User | None, data: UserInput, user: User | None, password: str | None = None
) -> tuple[Role, Team | None, Area | None]:
    """Validate ``data`` (and a new account's ``password``) for a new or existing ``user``."""
    errors: dict[str, list[str]] = {}
    if user is None and (problems := password_errors(password, data.username)):
        errors["password"] = problems
    clean_text(errors, "display_name", data.display_name, 80)
    if user is None:
        username = clean_text(errors, "username", data.username, 64, required=True)
        if username and not USERNAME_PATTERN.match(username):
            errors["username"] = [_("Use letters, digits and . _ @ - only, without spaces.")]
        elif (
            username
            and db.session.execute(
                select(User.id).where(func.lower(User.username) == username.lower())
            ).first()
        ):
            errors["username"] = [_("This username is taken.")]
    try:
        role = Role(data.role)
    except ValueError:
        errors["role"] = [_("Choose a role.")]
        role = None
    if (
        user is not None
        and actor is not None
        and user.id == actor.id
        and role is not None
        and role != Role.ADMIN
    ):
        errors["role"] = [_("You cannot remove your own administrator role.")]
    team = area = None
    if role in TEAM_ROLES:
        team = db.session.get(Team, data.team_id) if data.team_id else None
        if team is None or team.is_deleted:
            errors["team_id"] = [_("Leaders and members need a team.")]
    if role in AREA_ROLES:
        area = db.session.get(Area, data.area_id) if data.area_id else None
        if area is None or area.kind == AreaKind.VILLAGE:
            errors["area_id"] = [_("Reviewers need a township or the county.")]
    if errors:
        raise FieldErrors(errors)
    return role, team, area


def create_user(actor: User | None, data: UserInput, password: str) -> User:
    """Create an account with an initial password (``actor`` None: from the command line)."""
    role, team, area = _check(actor, data, None, password)
    user = User(
        username=data.username.strip(),
        display_name=(data.display_name or "").strip(),
        role=role,
        team=team,
        area=area,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def update_user(actor: User, user: User, data: UserInput) -> User:
    """Change an account's role, team, area or display name (team and area follow the role)."""
    role, team, area = _check(actor, data, user)
    user.role, user.team, user.area = role, team, area
    user.display_name = (data.display_name or "").strip()
    db.session.commit()
    return user


def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate (revoking every token) or reactivate an account; never one's own."""
    if user.id == actor.id and not active:
        raise FieldErrors({"active": [_("You cannot deactivate your own account.")]})
    user.active = active
    if not active:
        for token in db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ).scalars():
            token.revoke()
    db.session.commit()
    return user


def reset_password(user: User, password: str) -> User:
    """Give an account a new password; every session of the account ends."""
    if problems := password_errors(password, user.username):
        raise FieldErrors({"password": problems})
    user.set_password(password)
    user.end_sessions()
    db.session.commit()
    return user
