"""Writes to accounts."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from . import roles
from .models import User


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


# The only accounts with known passwords; created by `seed_demo` for demonstrations, never in production.
DEMO_LOGINS = (
    DemoLogin(role=roles.JPO_STAFF, username="staff", password="hipoc-demo-staff"),  # noqa: S106 - demo accounts only
    DemoLogin(role=roles.EXPERT, username="expert", password="hipoc-demo-expert"),  # noqa: S106 - demo accounts only
    DemoLogin(role=roles.PARTNER_SYSTEM, username="partner", password="hipoc-demo-partner"),  # noqa: S106 - demo accounts only
)


@transaction.atomic
def demo_accounts_create() -> tuple[DemoLogin, ...]:
    """Create (or reset) one demo account per role and return their logins."""
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        user.organisation = "HIPOC demo"
        user.is_active = True
        user.set_password(login.password)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=login.role)[0]])
    return DEMO_LOGINS


@transaction.atomic
def user_create_without_login(*, username: str, role: str, organisation: str, full_name: str = "") -> User:
    """Create (or fetch) a user who cannot sign in until an administrator sets a password."""
    first_name, _, last_name = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username, defaults={"organisation": organisation, "first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def api_token_issue(*, user: User, expires_in: timedelta | None = None) -> str:
    """A new API token for the user; only its hash is stored, so this is the one time it can be read."""
    _, token = AuthToken.objects.create(user=user, expiry=expires_in)
    return token


def api_tokens_revoke(*, user: User) -> int:
    """Revoke every token of the user; returns how many there were."""
    count, _ = AuthToken.objects.filter(user=user).delete()
    return count


def api_tokens_purge_expired() -> int:
    """Delete every expired token (they are refused anyway); returns how many there were."""
    count, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return count
