"""Sign-in protection: lockout per (username, address) with a cool-off, and every sign-in event logged."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def sign_in(client, username: str, password: str, address: str):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, follow=False
    )


@pytest.fixture
def staff(db):
    return UserFactory(username="hanako", role="jpo-staff")


def fail_until_locked(client, address: str) -> None:
    statuses = [sign_in(client, "hanako", "wrong", address).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    # The form answers each wrong password until the last allowed one, which locks the pair.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def test_repeated_failures_lock_that_username_from_that_address(client, staff):
    fail_until_locked(client, "203.0.113.9")
    locked = sign_in(client, "hanako", PASSWORD, "203.0.113.9")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out(client, staff):
    fail_until_locked(client, "198.51.100.7")
    response = sign_in(client, "hanako", PASSWORD, "203.0.113.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_other_users_from_the_locked_address_still_sign_in(client, staff):
    UserFactory(username="taro", role="expert")
    fail_until_locked(client, "203.0.113.9")
    assert sign_in(client, "taro", PASSWORD, "203.0.113.9").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, staff):
    fail_until_locked(client, "203.0.113.9")
    assert sign_in(client, "hanako", PASSWORD, "203.0.113.9").status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    assert sign_in(client, "hanako", PASSWORD, "203.0.113.9").status_code == 302


def test_sign_in_events_are_logged_without_the_password(client, staff, caplog):
    with caplog.at_level(logging.INFO, logger="hipoc.auth"):
        sign_in(client, "hanako", "wrong-guess", "203.0.113.9")
        sign_in(client, "hanako", PASSWORD, "203.0.113.9")
        client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.9")
    messages = [record.getMessage() for record in caplog.records if record.name == "hipoc.auth"]
    assert messages == [
        "sign-in failed user=hanako address=203.0.113.9",
        "sign-in user=hanako address=203.0.113.9",
        "sign-out user=hanako address=203.0.113.9",
    ]
    assert not any("wrong-guess" in message or PASSWORD in message for message in messages)


def test_weak_passwords_are_refused(staff):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("hanako2026", "password1234", "123456789012", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=staff)
    validate_password("correct horse battery staple", user=staff)
