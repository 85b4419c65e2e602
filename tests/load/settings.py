"""Settings for `make loadtest`: production settings served over plain HTTP on 127.0.0.1."""

from hipoc.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
