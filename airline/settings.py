"""Project settings, driven by environment variables (django-environ).

With no environment set, the project runs on embedded defaults: the local demo's database on the machine's
PostgreSQL (``airline_demo``; ``make run`` creates it), a file-system Celery broker under ``var/`` and a
file-based cache. The handlers use PostgreSQL's SQL, so SQLite serves only commands that check a file
(``load_scenario`` refusing one). ``.env.example`` documents every variable.
"""

import datetime as dt
import ipaddress
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from airline import broker

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # whitenoise warns when STATIC_ROOT is missing

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Production: served over HTTPS only. Off for the local demo, which serves plain http on 127.0.0.1.
HTTPS_ONLY = env.bool("DJANGO_HTTPS", default=False)
_DEMO_SECRET_KEY = "insecure-local-demo-key-change-me-0123456789abcdefghijklmnopqrstuv"  # noqa: S105 - demo only
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if SECRET_KEY in ("", _DEMO_SECRET_KEY):
    if HTTPS_ONLY:
        raise ImproperlyConfigured(
            "DJANGO_HTTPS=true needs DJANGO_SECRET_KEY: set it to a long random value of your own "
            "(the built-in key is for the local demo only)."
        )
    SECRET_KEY = _DEMO_SECRET_KEY
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Partner secrets are encrypted in the database with these Fernet keys (flights.secret_field): the first
# encrypts, all decrypt. Like SECRET_KEY, production refuses to start on the built-in demo key.
_DEMO_PARTNER_SECRET_KEY = "x14J7XU4h1k_hXGTs5tvlITmyC3We0ne8RavIbzJu3w="  # noqa: S105 - demo only
PARTNER_SECRET_KEYS = env.list("PARTNER_SECRET_KEYS", default=[])
if HTTPS_ONLY and (not PARTNER_SECRET_KEYS or _DEMO_PARTNER_SECRET_KEY in PARTNER_SECRET_KEYS):
    raise ImproperlyConfigured(
        "DJANGO_HTTPS=true needs PARTNER_SECRET_KEYS: comma-separated Fernet keys of your own, e.g. "
        '`python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
        "(the built-in key is for the local demo only)."
    )
PARTNER_SECRET_KEYS = PARTNER_SECRET_KEYS or [_DEMO_PARTNER_SECRET_KEY]
for _position, _key in enumerate(PARTNER_SECRET_KEYS, start=1):
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            f"PARTNER_SECRET_KEYS: key {_position} is not a Fernet key (32 url-safe base64-encoded bytes)."
        ) from None

INSTALLED_APPS = [
    "operations.admin_config.OperationsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "corsheaders",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from the app: the docs work with no internet
    "django_celery_beat",
    "events",
    "flights",
    "passengers",
    "rebooking",
    "vouchers",
    "lodging",
    "compensation",
    "notifications",
    "scenarios",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before the API's own answers (413, 500), so web clients read them
    "observability.middleware.APIMetricsMiddleware",  # times the API's whole answer, its own refusals included
    "airline.api_middleware.APIMiddleware",  # /api/: correlation id, body limit, 500s in the API's error shape
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

# --- HTTPS ------------------------------------------------------------------
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Only behind a proxy that sets X-Forwarded-Proto itself: a client could otherwise claim https.
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ROOT_URLCONF = "airline.urls"
WSGI_APPLICATION = "airline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {  # passenger message texts (docs/adr/0016): plain text, from notifications/jinja2/
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "passenger-texts",
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "notifications.rendering.environment",
            "autoescape": False,
            "keep_trailing_newline": True,
        },
    },
]

# --- Database ---------------------------------------------------------------
DEMO_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/airline_demo"
DATABASES = {"default": env.db("DATABASE_URL", default=DEMO_DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Processes sharing one SQLite file wait for each other's writes.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "airline.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that does not answer within a second counts as down (the API then reads the database).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Shared by every local process (web, worker, beat), unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# The Celery broker: BROKER_URL (production: RabbitMQ, amqp://…), else Redis, else Kombu's file system.
CELERY_BROKER_URL = env.str("BROKER_URL", default="") or REDIS_URL or "filesystem://"
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL == "filesystem://":
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = broker.transport_options(CELERY_BROKER_URL, _broker_dir)

# --- Celery (baseline after cookiecutter-django) ----------------------------
CELERY_TIMEZONE = "UTC"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
# At-least-once: a message is acknowledged after its task ran, and requeued if
# the worker process dies; handlers are idempotent so the effect is exactly once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep a worker's database connection across tasks (Celery otherwise reconnects for
# every task); airline.celery drops a broken or obsolete one before each task.
CELERY_DB_REUSE_MAX = 1000
# A worker child whose resident memory is above this (KiB) once a task ends is replaced by a fresh one: what a
# hub-scale disruption's handlers leave behind (Python keeps freed memory) is given back (issue 20, goal 4).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=180_000)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing fails fast when the broker is down: the outbox relay sends later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
SUBSCRIBER_QUEUES = ("rebooking", "vouchers", "lodging", "partners", "notifications", "duties")
CELERY_TASK_DEFAULT_QUEUE = "default"
# Sending passenger messages has a queue of its own: on Redis a worker serving every queue takes the others in turn
# and this one only when they are empty (airline.broker.SendingLastCycle), so a disruption's deliveries are all
# handled before its thousands of emails are sent; RabbitMQ knows no such order (docs/operations.md §2: its pools).
PASSENGER_MESSAGE_QUEUE = broker.PASSENGER_MESSAGE_QUEUE
CELERY_TASK_QUEUES = broker.task_queues(("default", "events", *SUBSCRIBER_QUEUES, PASSENGER_MESSAGE_QUEUE))
# Subscriber deliveries go to the queue their subscriber registered (events.registry);
# the backbone's own tasks run on "events".
CELERY_TASK_ROUTES = {
    "events.relay": {"queue": "events"},
    "notifications.send_partner_message": {"queue": "partners"},
    "notifications.sweep_partner_messages": {"queue": "partners"},
    "notifications.send_passenger_messages": {"queue": PASSENGER_MESSAGE_QUEUE},
    "notifications.sweep_passenger_messages": {"queue": PASSENGER_MESSAGE_QUEUE},
    "operations.review_duties": {"queue": "duties"},
}


def _every(task: str, seconds: float) -> dict[str, object]:
    # A tick nobody consumed in time is dropped, not piled up behind a stopped queue (django-celery-beat option).
    return {"task": task, "schedule": seconds, "options": {"expire_seconds": seconds}}


CELERY_BEAT_SCHEDULE = {
    "events-relay": _every("events.relay", env.float("EVENTS_RELAY_INTERVAL_SECONDS", default=5.0)),
    "partner-messages-sweep": _every(
        "notifications.sweep_partner_messages", env.float("PARTNER_SWEEP_INTERVAL_SECONDS", default=15.0)
    ),
    "passenger-messages-sweep": _every(
        "notifications.sweep_passenger_messages", env.float("PASSENGER_SWEEP_INTERVAL_SECONDS", default=30.0)
    ),
    "duties-review": _every("operations.review_duties", env.float("DUTIES_REVIEW_INTERVAL_SECONDS", default=30.0)),
    "drills-judge": _every("flights.judge_drills", env.float("DRILLS_JUDGE_INTERVAL_SECONDS", default=30.0)),
}

# --- Event backbone ---------------------------------------------------------
# A claimed delivery's lease; a live handler renews it every third of this.
EVENTS_LEASE_SECONDS = env.float("EVENTS_LEASE_SECONDS", default=60.0)
EVENTS_MAX_ATTEMPTS = env.int("EVENTS_MAX_ATTEMPTS", default=6)
# A task runs up to this many never-attempted deliveries of its queue in one transaction, until its handlers
# took EVENTS_BATCH_SECONDS; then it commits and sends the rest again (docs/adr/0015).
EVENTS_CLAIM_BATCH = env.int("EVENTS_CLAIM_BATCH", default=16)
EVENTS_BATCH_SECONDS = env.float("EVENTS_BATCH_SECONDS", default=0.05)
EVENTS_RETRY_BASE_SECONDS = env.float("EVENTS_RETRY_BASE_SECONDS", default=5.0)
EVENTS_RETRY_CAP_SECONDS = env.float("EVENTS_RETRY_CAP_SECONDS", default=600.0)
# Retries waiting longer than this are scheduled in the database and sent by the relay.
EVENTS_MAX_COUNTDOWN_SECONDS = env.float("EVENTS_MAX_COUNTDOWN_SECONDS", default=60.0)
# A pending delivery sent this long ago and never started is sent again (lost message) once its queue's backlog
# on the broker is empty, or after the longer EVENTS_REDISPATCH_MAX_SECONDS whatever the backlog (events.relay).
EVENTS_REDISPATCH_SECONDS = env.float("EVENTS_REDISPATCH_SECONDS", default=90.0)
EVENTS_REDISPATCH_MAX_SECONDS = env.float("EVENTS_REDISPATCH_MAX_SECONDS", default=900.0)
EVENTS_RELAY_GRACE_SECONDS = env.float("EVENTS_RELAY_GRACE_SECONDS", default=10.0)
EVENTS_RELAY_BATCH = env.int("EVENTS_RELAY_BATCH", default=2000)
# Extra modules registering subscribers (the test suite adds its own).
EVENTS_EXTRA_SUBSCRIBER_MODULES = env.list("EVENTS_EXTRA_SUBSCRIBER_MODULES", default=[])

# --- Auth, i18n, static -----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking its password
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): failures count per username *and* client address together, so nobody can
# lock an operator out of every workstation by failing logins in their name.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.float("ADMIN_LOGIN_COOLOFF_MINUTES", default=15.0))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "airline.security.client_ip"
AXES_LOCKOUT_CALLABLE = "airline.security.lockout_response"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# Operators' formats: 24-hour times, each date-time labelled with its zone (airline/formats/en/formats.py).
FORMAT_MODULE_PATH = ["airline.formats"]
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Django REST framework --------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "airline.api_errors.exception_handler",
    # JSON bodies only: anything else is a 415, and the schema advertises no form or multipart bodies.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["airline.throttling.ClientRateThrottle"],
    # N/s, N/min, N/hour or N/day.
    "DEFAULT_THROTTLE_RATES": {
        # Per client address, every endpoint (a 304 is not counted).
        "anon": env.str("API_ANON_THROTTLE_RATE", default="300/min"),
        # Per booking (locator), whoever asks: tight, so no name can be guessed, and no crowd behind one airport
        # address shares it.
        "booking": env.str("API_BOOKING_THROTTLE_RATE", default="10/min"),
    },
    # Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts only the peer address.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
# Web clients (browsers) of the API: only the listed origins, e.g. https://app.example; none by default.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/v1/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "content-type", "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "X-Correlation-ID"]
CORS_PREFLIGHT_MAX_AGE = 3600
# Largest request body the API reads (its bodies are a last name): larger ones are refused 413 unread.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=4096)
SPECTACULAR_SETTINGS = {
    "TITLE": "Airline disruption handling API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,  # /api/schema/ documents the API, not itself
    "ENUM_NAME_OVERRIDES": {
        "FlightStatusEnum": "flights.models.FlightStatus",
        "CaseStatusEnum": "rebooking.models.CaseStatus",
        "VoucherStatusEnum": "vouchers.models.VoucherStatus",
        "StayStatusEnum": "lodging.models.StayStatus",
        "EntitlementStatusEnum": "compensation.models.EntitlementStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: Swagger UI would send the schema to validator.swagger.io for it.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}
# Lifetime of a cached flight API response: only the safety net, since every signalled change of a flight
# replaces its entry on commit (flights.gate_cache).
FLIGHT_CACHE_TTL_SECONDS = env.int("FLIGHT_CACHE_TTL_SECONDS", default=300)

# --- Rebooking --------------------------------------------------------------
# Seconds the optimiser may spend per disruption before it keeps its best plan and reports the gap.
REBOOKING_TIME_LIMIT = env.float("REBOOKING_TIME_LIMIT", default=20.0)

# --- Notifications ----------------------------------------------------------
# Partner messages: bounded HTTP timeouts; retries with exponential backoff and jitter. Waits up to
# PARTNER_MAX_COUNTDOWN_SECONDS ride on a Celery countdown (below the broker's visibility timeout);
# longer ones wait in the database for the sweep.
PARTNER_CONNECT_TIMEOUT_SECONDS = env.float("PARTNER_CONNECT_TIMEOUT_SECONDS", default=3.0)
PARTNER_READ_TIMEOUT_SECONDS = env.float("PARTNER_READ_TIMEOUT_SECONDS", default=10.0)
PARTNER_MAX_ATTEMPTS = env.int("PARTNER_MAX_ATTEMPTS", default=8)
PARTNER_RETRY_BASE_SECONDS = env.float("PARTNER_RETRY_BASE_SECONDS", default=10.0)
PARTNER_RETRY_CAP_SECONDS = env.float("PARTNER_RETRY_CAP_SECONDS", default=3600.0)
PARTNER_MAX_COUNTDOWN_SECONDS = env.float("PARTNER_MAX_COUNTDOWN_SECONDS", default=60.0)
# A send holds its message this long (longer than connect + read timeouts).
PARTNER_LEASE_SECONDS = env.float("PARTNER_LEASE_SECONDS", default=60.0)
PARTNER_SWEEP_GRACE_SECONDS = env.float("PARTNER_SWEEP_GRACE_SECONDS", default=10.0)
PARTNER_SWEEP_BATCH = env.int("PARTNER_SWEEP_BATCH", default=500)
# The built-in partner inbox at /sandbox/partners/<code>/ (the local demo's partners point at it).
PARTNER_SANDBOX_ENABLED = env.bool("PARTNER_SANDBOX_ENABLED", default=False)
# Passenger messages: email through Django's email framework, SMS through notifications.sms backends.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Where django.core.mail.backends.filebased.EmailBackend writes (a local gateway for demos and benchmarks).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
# notifications.email_gateway.EmailBackend: a transactional email API that honours Idempotency-Key (the
# production choice: a send repeated after a crash is absorbed there). Its timeout is EMAIL_TIMEOUT.
EMAIL_GATEWAY_URL = env.str("EMAIL_GATEWAY_URL", default="")
EMAIL_GATEWAY_API_KEY = env.str("EMAIL_GATEWAY_API_KEY", default="")
if EMAIL_BACKEND == "notifications.email_gateway.EmailBackend" and not (EMAIL_GATEWAY_URL and EMAIL_GATEWAY_API_KEY):
    # Refused at start: a worker finding out at its first batch would leave the batch claimed until its lease ends.
    raise ImproperlyConfigured("EMAIL_BACKEND is the email gateway: set EMAIL_GATEWAY_URL and EMAIL_GATEWAY_API_KEY.")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Novair <no-reply@novair.example>")
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.FileBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms.log"))
# Message ids a send task is given (its claim adds the rest of their gateway batches); with 500 B01's emails
# settled a median 1.45 s after its last flow, with 200 1.7 s (bench/README.md, 4 December evening).
PASSENGER_MESSAGE_BATCH = env.int("PASSENGER_MESSAGE_BATCH", default=500)
# A batch holds its messages this long; pending messages unclaimed for the grace (their send task was lost
# with the broker or a killed worker) are sent by the periodic sweep.
PASSENGER_MESSAGE_LEASE_SECONDS = env.float("PASSENGER_MESSAGE_LEASE_SECONDS", default=120.0)
PASSENGER_SWEEP_GRACE_SECONDS = env.float("PASSENGER_SWEEP_GRACE_SECONDS", default=120.0)
# A message whose worker died this many times while sending it is poison: dead, not claimed again.
PASSENGER_MAX_ATTEMPTS = env.int("PASSENGER_MAX_ATTEMPTS", default=5)

# --- Metrics (observability/, docs/operations.md §4) --------------------------
# GET /metrics answers a client presenting `Authorization: Bearer METRICS_TOKEN`, or connecting from one of
# METRICS_ALLOWED_NETWORKS (comma-separated CIDRs; this host only by default); anyone else gets 401 or 403.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = [
    ipaddress.ip_network(network, strict=False)
    for network in env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
    if network
]

# --- Delay drills -----------------------------------------------------------
# Whether scheduled delay drills may run here: a drill delays real flights through the real fan-out (its
# messages go to the file outbox and the partner sandbox only). On in `make run`'s demo; off by default,
# and `check --deploy` warns when it is on with DJANGO_HTTPS=true.
DRILLS_ALLOWED = env.bool("DRILLS_ALLOWED", default=False)
# Where a drill's passenger messages go, whatever EMAIL_BACKEND and SMS_BACKEND say.
DRILL_EMAIL_FILE_PATH = env.str("DRILL_EMAIL_FILE_PATH", default=str(VAR_DIR / "drill-mail"))
DRILL_SMS_FILE_PATH = env.str("DRILL_SMS_FILE_PATH", default=str(VAR_DIR / "drill-sms.log"))

# --- Scenario contract ------------------------------------------------------
# The contract's schemas and demo scenario ship with the code (scenarios/contract);
# SHARED_DIR is the team's shared folder with the benchmark networks.
CONTRACT_DIR = BASE_DIR / "scenarios" / "contract"
SHARED_DIR = Path(env.str("AIRLINE_SHARED_DIR", default=str(BASE_DIR.parent / "shared")))

# --- Logging ----------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line (python-json-logger) with the flow's correlation id and the trace and
# span ids, for a log pipeline; plain (the default) is for people reading a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "correlation": {"()": "events.correlation.CorrelationFilter"},
        "trace": {"()": "observability.log_context.TraceContextFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [flow %(correlation_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(correlation_id)s %(trace_id)s %(span_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["correlation", "trace"]}
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Tracing ----------------------------------------------------------------
# OpenTelemetry is configured by its own OTEL_* variables (observability.tracing; docs/operations.md). The
# disruption page links its trace id to the tracing backend with this template, e.g.
# https://tempo.example/trace/{trace_id}; shown as text when empty.
TRACE_URL_TEMPLATE = env.str("TRACE_URL_TEMPLATE", default="")
if TRACE_URL_TEMPLATE and "{trace_id}" not in TRACE_URL_TEMPLATE:
    raise ImproperlyConfigured("TRACE_URL_TEMPLATE must contain {trace_id}")
