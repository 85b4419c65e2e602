"""Authentication events go to the `hipoc.auth` log (who signed in or out, failed attempts), and changes to tokens
and users end what the token authentication remembers."""

import logging

from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from knox.models import AuthToken

from .authentication import forget_vouched_tokens
from .models import User

logger = logging.getLogger("hipoc.auth")


def client_address(request) -> str:
    """The client's address as the lockout reads it (through the trusted proxies, see TRUSTED_PROXY_COUNT)."""
    if request is None:
        return "?"
    return get_client_ip_address(request) or "?"


@receiver(user_logged_in, dispatch_uid="hipoc-auth-signed-in")
def signed_in(sender, request, user, **kwargs) -> None:
    logger.info("sign-in user=%s address=%s", user.get_username(), client_address(request))


@receiver(user_logged_out, dispatch_uid="hipoc-auth-signed-out")
def signed_out(sender, request, user, **kwargs) -> None:
    logger.info("sign-out user=%s address=%s", user.get_username() if user else "?", client_address(request))


@receiver(user_login_failed, dispatch_uid="hipoc-auth-failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    logger.warning("sign-in failed user=%s address=%s", credentials.get("username", "?"), client_address(request))


@receiver(post_save, sender=AuthToken, dispatch_uid="hipoc-auth-token-saved")
@receiver(post_delete, sender=AuthToken, dispatch_uid="hipoc-auth-token-deleted")
@receiver(post_save, sender=User, dispatch_uid="hipoc-auth-user-saved")
@receiver(post_delete, sender=User, dispatch_uid="hipoc-auth-user-deleted")
def token_or_user_changed(sender, **kwargs) -> None:
    """A token revoked or a user deactivated must be refused on the next request, not when the cache forgets."""
    forget_vouched_tokens()
