"""Settings for the API benchmark: production settings on plain HTTP at 127.0.0.1, plus the baseline view."""

from hipoc.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
SECURE_SSL_REDIRECT = False
