"""Settings shared by every environment; values come from the environment (and an optional `.env`)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CELERY_BROKER_URL=(str, ""),
    CACHE_URL=(str, "locmemcache://"),
    TIME_ZONE=(str, "Asia/Tokyo"),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tables2",
    "django_htmx",
    "csp",
    "axes",
    "import_export",
    "accounts",
    "countries",
    "programs",
    "priorities",
    "notifications",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Nothing in HIPOC is public: every page needs a login unless marked otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hipoc.urls"
WSGI_APPLICATION = "hipoc.wsgi.application"
ASGI_APPLICATION = "hipoc.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'hipoc.sqlite3'}")}
# A dropped connection is noticed and replaced at the start of the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out (username, address) pair is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is refused for the cool-off. Keyed on the pair, so an attacker elsewhere cannot lock a real user out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False


def client_address_settings(trusted_proxies: int) -> dict:
    """Where the lockout and the API's throttles read a client's address (django-ipware, DRF's NUM_PROXIES).

    Each of the `trusted_proxies` reverse proxies in front of the app appends the address it received the request
    from to X-Forwarded-For, so the client is the entry that many places from the right; whatever a client writes
    into the header itself stands further left and is ignored. With no proxy, REMOTE_ADDR is the client.
    """
    if not trusted_proxies:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",), "AXES_IPWARE_PROXY_COUNT": None}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        "AXES_IPWARE_PROXY_ORDER": "left-most",
        # ipware counts the proxies listed in the header, which the nearest one does not list …
        "AXES_IPWARE_PROXY_COUNT": trusted_proxies - 1,
        # … and, strict, would give up on a header a client had added to (falling back to the proxy's address,
        # which every client shares); not strict, it takes the entry the proxies vouch for and ignores the rest.
        "IPWARE_STRICT": False,
    }


# How many reverse proxies stand in front of the app (the README's deployment has one, terminating TLS).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
globals().update(client_address_settings(TRUSTED_PROXY_COUNT))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["hipoc.formats"]
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Front-end libraries come from the npm registry (`npm ci`) and are served by HIPOC itself, never a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# Source maps are fetched only by a developer's browser tools: served as they are, not compressed at collectstatic
# (half its time went on them).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Content-Security-Policy (django-csp): scripts, styles, fonts and images come from HIPOC itself and nothing
# is inline, so injected markup cannot run. Chart.js draws on canvases; Bootstrap's icons are data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Signed-in sessions end after this long without a request (idle timeout); each request renews them.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# What a filter's select shows when it filters nothing.
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every endpoint needs a signed-in user, and the rules its view declares for each action (hipoc.permissions).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "hipoc.permissions.RulePermission",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "hipoc.schema.HipocAutoSchema",
    "EXCEPTION_HANDLER": "hipoc.exceptions.api_exception_handler",
    # Counted per token and per user (a user may hold several tokens) in the shared cache, so that every web
    # process shares one limit.
    "DEFAULT_THROTTLE_CLASSES": ["hipoc.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_RATE_PER_TOKEN", default="300/minute"),
        "user": env("API_RATE_PER_USER", default="600/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "hipoc.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# The throttles key on the same client address as the lockout (DRF reads X-Forwarded-For with this many proxies).
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# Partner systems send "Authorization: Bearer <token>"; tokens are stored hashed and expire only if asked to.
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": None,
    "TOKEN_PREFIX": "hipoc_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HIPOC API",
    "DESCRIPTION": "Published rankings of partner countries and cooperation areas, reference data, and the "
    "experts' mission reports and stakeholder needs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "programs.models.ReportStatus",
        "NeedStatusEnum": "programs.models.NeedStatus",
        "ProgramStatusEnum": "programs.models.ProgramStatus",
        "RunStatusEnum": "priorities.models.RunStatus",
        "AggregationEnum": "priorities.models.Aggregation",
        "PlanStatusEnum": "plans.models.PlanStatus",
    },
}

# Celery: with no broker configured, tasks run in-process so a single `make run` needs nothing else.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task is acknowledged only once it has run, so a worker killed mid-task leaves it for another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task gives up quickly when the broker is down (the data is saved either way).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# Redis hands a task to another worker when it is not acknowledged within this time (a worker that died);
# longer than any task may run.
# Workers look for such tasks every unacked_restore_throttle-th idle poll.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TIMEZONE = TIME_ZONE

CELERY_BEAT_SCHEDULE = {
    "nightly-ranking": {
        "task": "priorities.nightly_ranking",
        "schedule": crontab(hour=2, minute=30),
    },
    "fail-abandoned-ranking-runs": {
        "task": "priorities.fail_abandoned_runs",
        "schedule": crontab(minute="*/15"),
    },
    "fail-abandoned-plans": {
        "task": "plans.fail_abandoned_plans",
        "schedule": crontab(minute="*/15"),
    },
    "requeue-overdue-webhook-deliveries": {
        "task": "notifications.requeue_overdue_deliveries",
        "schedule": crontab(minute="*/10"),
    },
    "purge-expired-api-tokens": {
        "task": "accounts.purge_expired_tokens",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Mission reports may be drafted before the visit, but not this many days ahead of it.
REPORT_MAX_DAYS_AHEAD = env.int("REPORT_MAX_DAYS_AHEAD", default=30)

# Rankings
RANKING_DEFAULT_SEED = env.int("RANKING_DEFAULT_SEED", default=20261125)
RANKING_RECOMPUTE_DEBOUNCE_SECONDS = env.int("RANKING_RECOMPUTE_DEBOUNCE_SECONDS", default=300)
RANKING_SOFT_TIME_LIMIT = env.int("RANKING_SOFT_TIME_LIMIT", default=540)
# Each run also checks its robustness (leave one out, weight stability, rank reversal, diagnostics): about a second
# on the demo data.
RANKING_ROBUSTNESS = env.bool("RANKING_ROBUSTNESS", default=True)

# A finished run's rendered API body is kept in the shared cache under its ETag (it never changes).
API_BODY_CACHE_SECONDS = env.int("API_BODY_CACHE_SECONDS", default=24 * 3600)

# Publication notices to partner systems' webhooks.
HIPOC_BASE_URL = env("HIPOC_BASE_URL", default="http://127.0.0.1:8000")
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Webhooks go to public https addresses only; a development machine may allow http and a receiver on 127.0.0.1.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Sign-ins, sign-outs, failures and lockouts, with username and address (never the password).
        "hipoc.auth": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
