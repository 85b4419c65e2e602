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


# Behind the reverse proxy every request comes from the proxy's address; the client is the one it forwards.
PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    from hipoc.settings.base import client_address_settings

    for name, value in client_address_settings(1).items():
        setattr(settings, name, value)


def sign_in_through_proxy(client, username: str, password: str, forwarded_for: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_an_attacker_locks_out_only_themselves(client, staff, behind_proxy):
    from django.test import Client

    # The attacker at 5.5.5.5 forges a different address in front of the one the proxy adds each time.
    statuses = [
        sign_in_through_proxy(client, "hanako", "wrong", f"198.51.100.{attempt}, 5.5.5.5").status_code
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    # The real user, through the same proxy from 6.6.6.6, signs in.
    real = Client()
    assert sign_in_through_proxy(real, "hanako", PASSWORD, "6.6.6.6").status_code == 302
    # Claiming the real user's address does not free the attacker: the proxy's entry is what counts.
    assert sign_in_through_proxy(Client(), "hanako", PASSWORD, "6.6.6.6, 5.5.5.5").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"5.5.5.5"}


def test_the_sign_in_log_names_the_forwarded_client(client, staff, behind_proxy, caplog):
    with caplog.at_level(logging.INFO, logger="hipoc.auth"):
        sign_in_through_proxy(client, "hanako", PASSWORD, "198.51.100.1, 6.6.6.6")
    assert "sign-in user=hanako address=6.6.6.6" in caplog.text
