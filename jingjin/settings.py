"""Django settings, all from environment variables.

``DATABASE_URL``      database (default: SQLite at ``$JINGJIN_DATA_DIR/jingjin.sqlite3``)
``JINGJIN_DATA_DIR``  where the database, uploads and the generated secret live (default ``./var``)
``SECRET_KEY``        secret key (default: generated once and kept in the data directory)
``DEBUG``             ``1``/``true`` for development (default off)
``ALLOWED_HOSTS``     comma-separated host names (default ``127.0.0.1,localhost``)
``JINGJIN_PROFILE``   ``production`` turns on HTTPS-only cookies, HSTS and the other deploy checks
``JINGJIN_AS_OF``     the system's "today", ``YYYY-MM`` or ``YYYY-MM-DD``; empty = the real date
                      (default: the as-of ``jingjin demo`` stored in the data directory, else the real date)
``REDIS_URL``         the job queue's broker, e.g. ``redis://127.0.0.1:6379/0`` (production: several
                      workers on several machines); empty = a SQLite queue file
                      ``$JINGJIN_DATA_DIR/jobs.sqlite3`` on this machine (the default)
``JINGJIN_JOBS_IMMEDIATE``  ``1``/``true`` runs every job at once in the process that submits it,
                      without a worker (tests; default off)
``JINGJIN_JOB_WORKERS``  worker threads of ``jingjin worker`` and of the consumer ``jingjin demo``
                      and ``jingjin serve`` embed when ``REDIS_URL`` is empty (default 2)
``JINGJIN_API_TOKEN_DAYS``  days an API token is accepted after it was issued (default 30)
``NUMBA_CACHE_DIR``   where the compiled engine kernels are kept (default ``$JINGJIN_DATA_DIR/numba-cache``)
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from jingjin import numba_cache
from jingjin.data.demo_calendar import stored_as_of

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("JINGJIN_DATA_DIR") or Path.cwd() / "var").resolve()
# Before any engine imports numba: the compiled kernels live in the data directory.
NUMBA_CACHE_DIR = numba_cache.configure(DATA_DIR)
PROFILE = os.environ.get("JINGJIN_PROFILE", "default")
PRODUCTION = PROFILE == "production"


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the production profile (JINGJIN_PROFILE=production): put "
            "SECRET_KEY=<at least 50 random characters> in the environment file, e.g. the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' (see docs/deploy.md)"
        )
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()


def _personal_data_key() -> bytes:
    """The AES-256 key of personal data (issue 15): ``JINGJIN_PERSONAL_DATA_KEY``, base64 of 32 bytes.

    Required in production; elsewhere (development, tests, the demo) a key is derived from
    SECRET_KEY so that the demo runs without setup. The key never goes into the database.
    """
    import base64
    import hashlib

    text = os.environ.get("JINGJIN_PERSONAL_DATA_KEY", "").strip()
    if text:
        try:
            key = base64.b64decode(text, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ImproperlyConfigured("JINGJIN_PERSONAL_DATA_KEY must be the base64 of 32 random bytes")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "JINGJIN_PERSONAL_DATA_KEY must be set in the production profile (JINGJIN_PROFILE=production): "
            "the base64 of 32 random bytes, e.g. the output of python3 -c 'import base64, secrets; "
            "print(base64.b64encode(secrets.token_bytes(32)).decode())' (see docs/rural.md); keep it "
            "outside the database and its backups"
        )
    return hashlib.sha256(b"jingjin-dev-personal-data:" + SECRET_KEY.encode()).digest()


JINGJIN_PERSONAL_DATA_KEY = _personal_data_key()
DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "jingjin.core",
    "jingjin.plans",
    "jingjin.benchmark",
    "jingjin.reporting",
    "jingjin.supervision",
    "jingjin.assessment",
    "jingjin.dashboard",
    "jingjin.alerts",
    "jingjin.jobs",
    "jingjin.evaluations",
    "jingjin.notifications",
    "jingjin.projects",
    "jingjin.ecology",
    "jingjin.parks",
    "jingjin.villages",
    "jingjin.admission",
    "jingjin.documents",
    "jingjin.public",
    "jingjin.people",
    "jingjin.land",
    "jingjin.rural",
    "jingjin.appeals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jingjin.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "jingjin.core.conflicts.ConflictMiddleware",
]

ROOT_URLCONF = "jingjin.urls"
WSGI_APPLICATION = "jingjin.wsgi.application"

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
                "django.template.context_processors.i18n",
                "jingjin.core.context_processors.roles",
                "jingjin.core.context_processors.as_of",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'jingjin.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every SQLite connection: WAL (readers never wait for a writer, a writer never waits for
    # readers), a busy timeout (a writer waits for the other writer instead of failing at once) and
    # write transactions that take the write lock when they begin (BEGIN IMMEDIATE), so that two
    # transactions that read and then write wait for each other instead of one failing with
    # "database is locked" whatever the timeout. A write still waiting after the timeout becomes a
    # 409 "try again" (jingjin.core.conflicts), never a 500.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": float(os.environ.get("JINGJIN_SQLITE_TIMEOUT", "20")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # The race tests need threads that really share one database: a file, not the shared in-memory
    # database (whose table locks ignore the busy timeout); one per test process, so that two test
    # runs on one data directory do not share (and delete) each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:tree"
LOGOUT_REDIRECT_URL = "login"

# Login rate limit (django-axes): 5 failures per user name and address lock the pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = _flag("AXES_ENABLED", default=True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# The system's "today": YYYY-MM or YYYY-MM-DD, empty = the real date (jingjin.core.clock).
# `jingjin demo` sets it to the demo's month when it is not set and stores the value it loaded the
# demo data with in $JINGJIN_DATA_DIR/as_of, so that `jingjin serve` on that directory runs at the
# same date; an explicit variable (even empty) wins.
JINGJIN_AS_OF = (
    os.environ["JINGJIN_AS_OF"] if "JINGJIN_AS_OF" in os.environ else (stored_as_of(DATA_DIR) or "")
)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic target in production; elsewhere WhiteNoise serves straight from the finders.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
STATICFILES_DIRS = [
    ("vendor/bootstrap", PROJECT_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", PROJECT_DIR / "node_modules" / "echarts" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# The largest form body Django reads (the files of a form do not count). A report form holds
# texts of up to 5000 + 3 × 3000 characters; 1 MB of Chinese text percent-encoded is about 9 MB,
# so a form with far too long a text still comes back with the text kept and a message naming
# the field. Anything larger gets the friendly 400 page (templates/400.html).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
WHITENOISE_USE_FINDERS = True
# Limits of every import (plan, statistics, report batch; jingjin.core.limits, docs/deploy.md): the
# file's size, a workbook's unzipped size (read from the zip's directory before anything is
# inflated), rows per sheet, cells read (blank padding counted) and errors listed on a page.
JINGJIN_IMPORT_MAX_BYTES = int(os.environ.get("JINGJIN_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
JINGJIN_IMPORT_MAX_UNZIPPED = int(os.environ.get("JINGJIN_IMPORT_MAX_UNZIPPED", str(50 * 1024 * 1024)))
JINGJIN_IMPORT_MAX_ROWS = int(os.environ.get("JINGJIN_IMPORT_MAX_ROWS", "50000"))
JINGJIN_IMPORT_MAX_CELLS = int(os.environ.get("JINGJIN_IMPORT_MAX_CELLS", "300000"))
JINGJIN_IMPORT_MAX_ERRORS = int(os.environ.get("JINGJIN_IMPORT_MAX_ERRORS", "200"))
# An upload larger than this (plan, statistics, report batch) is imported as a background job
# (docs/jobs.md) instead of holding the request; smaller ones are imported at once.
JINGJIN_IMPORT_JOB_BYTES = int(os.environ.get("JINGJIN_IMPORT_JOB_BYTES", str(1024 * 1024)))
# evaluations are jobs on large tables: larger uploads
JINGJIN_EVALUATION_MAX_BYTES = int(os.environ.get("JINGJIN_EVALUATION_MAX_BYTES", str(200 * 1024 * 1024)))
JINGJIN_EVALUATION_MAX_UNZIPPED = int(
    os.environ.get("JINGJIN_EVALUATION_MAX_UNZIPPED", str(1024 * 1024 * 1024))
)
# the firm register (企业名录) imports a province's firms at once: more rows and cells than other imports
JINGJIN_FIRM_IMPORT_MAX_ROWS = int(os.environ.get("JINGJIN_FIRM_IMPORT_MAX_ROWS", "250000"))
JINGJIN_FIRM_IMPORT_MAX_CELLS = int(os.environ.get("JINGJIN_FIRM_IMPORT_MAX_CELLS", "5000000"))
JINGJIN_FIRM_IMPORT_MAX_BYTES = int(os.environ.get("JINGJIN_FIRM_IMPORT_MAX_BYTES", str(60 * 1024 * 1024)))
# the most leading industries (主导产业) a park of each level may have: “省级及以下不超过2个、国家级不超过3个”
JINGJIN_PARK_LEADING_CAPS = {"national": 3, "provincial": 2, "city": 2}
# 同质化: pairs of parks whose sub-industry sets have a Jaccard index at or above this are flagged
JINGJIN_PARK_OVERLAP_THRESHOLD = float(os.environ.get("JINGJIN_PARK_OVERLAP_THRESHOLD", "0.5"))
# the units whose reporters and approvers manage the villages' work with the plan office (the
# agriculture and rural / rural revitalisation bureau), comma-separated unit codes
JINGJIN_RURAL_BUREAU_UNITS = tuple(
    c.strip() for c in os.environ.get("JINGJIN_RURAL_BUREAU_UNITS", "").split(",") if c.strip()
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jingjin.core.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jingjin.core.permissions.RestrictedPermission"],
    "DEFAULT_SCHEMA_CLASS": "jingjin.core.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "jingjin.core.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [],
    "EXCEPTION_HANDLER": "jingjin.core.conflicts.api_exception_handler",
}
# An API token is accepted this long after it was issued (POST /api/auth/token gives a new one then).
API_TOKEN_LIFETIME = datetime.timedelta(days=max(1, int(os.environ.get("JINGJIN_API_TOKEN_DAYS", "30"))))
SPECTACULAR_SETTINGS = {
    "TITLE": "Jingjin 竞进 API",
    "DESCRIPTION": (
        "Plan registry, units, audit trail, monthly reports, supervision items, red/black lists and the "
        "cockpit of the Jingjin action-plan platform."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The document and its docs page are for signed-in users (a session or an API token) only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jingjin.core.openapi.add_error_responses",
    ],
    # Several models have a "status" field with their own choices: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "jingjin.reporting.choices.ReportStatus",
        "SupervisionExtensionStateEnum": "jingjin.supervision.choices.ExtensionState",
        "SupervisionUrgingColourEnum": "jingjin.supervision.choices.UrgingColour",
        "RankingListStatusEnum": "jingjin.assessment.choices.ListStatus",
        "MilestoneKindEnum": "jingjin.projects.choices.MilestoneKind",
        "NetworkKindEnum": "jingjin.projects.choices.NetworkKind",
        # a lead's stage and its furthest stage
        "LeadStageEnum": "jingjin.parks.attraction_choices.LeadStageName",
        "WarningLevelEnum": "jingjin.alerts.choices.WarningLevel",
        "BlackOdorousStateEnum": "jingjin.ecology.choices.BlackOdorousState",
        "BlackOdorousLevelEnum": "jingjin.ecology.choices.BlackOdorousLevel",
        "EcologyProjectStateEnum": "jingjin.ecology.choices.ProjectState",
        "SoilSiteStateEnum": "jingjin.ecology.choices.SoilSiteState",
        "JobStateEnum": "jingjin.jobs.choices.JobState",
        "NationalProvincialCityLevelEnum": "jingjin.parks.choices.ParkLevel",  # parks and stations
        "ProjectLevelEnum": "jingjin.projects.choices.ProjectLevel",
        "ProjectStateEnum": "jingjin.projects.choices.ProjectState",
        "VillagesDemoLevelEnum": "jingjin.villages.choices.DemoLevel",
        "VillagesIncomeTierEnum": "jingjin.villages.choices.IncomeTier",
        "ItemStateEnum": "jingjin.supervision.choices.ItemState",
        "RuralRiskKindEnum": "jingjin.rural.choices.RiskKind",
        "RuralMeasureKindEnum": "jingjin.rural.choices.MeasureKind",
        # admission (issue 14): the check result and the decision share one choice set
        "AdmissionOutcomeEnum": "jingjin.admission.choices.AdmissionOutcome",
        "AdmissionApplicationStateEnum": "jingjin.admission.choices.ApplicationState",
        "AdmissionCatalogueClassEnum": "jingjin.admission.choices.CatalogueClass",
        "AdmissionZoningTypeEnum": "jingjin.admission.choices.ZoningType",
        "AdmissionRecheckStageEnum": "jingjin.admission.choices.RecheckStage",
        "AllocationRunStateEnum": "jingjin.admission.choices.RunState",
        "AllocationCandidateSourceEnum": "jingjin.admission.choices.CandidateSource",
        "DocumentKindEnum": "jingjin.documents.choices.DocumentKind",
        "DocumentStateEnum": "jingjin.documents.choices.DocumentState",
        # people (issue 17)
        "TalentCategoryEnum": "jingjin.people.choices.TalentCategory",
        "ChallengeStateEnum": "jingjin.people.choices.ChallengeState",
        "PartyOrgKindEnum": "jingjin.people.choices.OrgKind",
        "PartyWarningStateEnum": "jingjin.people.choices.PartyWarningState",
        "LandCampaignStateEnum": "jingjin.land.choices.CampaignState",
        "LandFirmClassEnum": "jingjin.land.choices.FirmClass",
        "RuralHouseholdStateEnum": "jingjin.rural.choices.HouseholdState",
        "RuralMonitoringTypeEnum": "jingjin.rural.choices.MonitoringType",
        "RuralChannelEnum": "jingjin.rural.choices.Channel",
        # issue 17, schemes
        "AssessmentSchemeStatusEnum": "jingjin.assessment.scheme_models.SchemeStatus",
        "SchemeDirectionEnum": "jingjin.assessment.scheme_models.Direction",
        "SchemeNormalisationEnum": "jingjin.assessment.scheme_models.Normalisation",
        "SchemeAdjustmentKindEnum": "jingjin.assessment.scheme_models.AdjustmentKind",
        "RaceCadenceEnum": "jingjin.assessment.scheme_models.Cadence",
    },
}

# The job queue (Huey, huey.contrib.djhuey; see docs/jobs.md). Without REDIS_URL the queue is a SQLite
# file in the data directory and `jingjin demo` / `jingjin serve` run an embedded consumer, so the
# demo needs no extra server; with REDIS_URL, `jingjin worker` processes on any machine consume it.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
JINGJIN_JOBS_IMMEDIATE = _flag("JINGJIN_JOBS_IMMEDIATE")
JINGJIN_JOB_WORKERS = max(1, int(os.environ.get("JINGJIN_JOB_WORKERS", "2")))
_HUEY_CONSUMER = {
    "workers": JINGJIN_JOB_WORKERS,
    "worker_type": "thread",
    # an idle worker asks the queue at least every half second (enqueue-to-start under 1 s)
    "initial_delay": 0.1,
    "backoff": 1.15,
    "max_delay": 0.5,
    "periodic": True,
}
if REDIS_URL:
    HUEY: dict[str, object] = {
        "huey_class": "huey.RedisHuey",
        "name": "jingjin",
        "immediate": JINGJIN_JOBS_IMMEDIATE,
        # BRPOP: an idle worker wakes as soon as a job is enqueued
        "connection": {"url": REDIS_URL, "blocking": True, "read_timeout": 1},
        "consumer": _HUEY_CONSUMER,
    }
else:
    if not JINGJIN_JOBS_IMMEDIATE:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "jingjin",
        "immediate": JINGJIN_JOBS_IMMEDIATE,
        "connection": {"filename": str(DATA_DIR / "jobs.sqlite3")},
        "consumer": _HUEY_CONSUMER,
    }

# E-mail (SMTP) of the notifications (docs/notifications.md). Without EMAIL_HOST mails are printed on the
# console (development); with it, sent through that SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jingjin@localhost")
# The address of the site in e-mails and webhook messages (links), e.g. https://jingjin.example.gov.cn
#: the benchmark page's rank bands: a rank in the first share of the cities compared is "top"
#: (green), from the second share on "bottom" (red), between them "middle"
JINGJIN_BENCHMARK_RANK_BANDS = (1 / 3, 2 / 3)

JINGJIN_SITE_URL = os.environ.get("JINGJIN_SITE_URL", "").strip().rstrip("/")
# Sending e-mails and webhooks: attempts per message and the wait before a retry (seconds x attempt)
JINGJIN_NOTIFY_ATTEMPTS = max(1, int(os.environ.get("JINGJIN_NOTIFY_ATTEMPTS", "3")))
JINGJIN_NOTIFY_RETRY_SECONDS = max(1, int(os.environ.get("JINGJIN_NOTIFY_RETRY_SECONDS", "300")))
JINGJIN_WEBHOOK_TIMEOUT = max(1, int(os.environ.get("JINGJIN_WEBHOOK_TIMEOUT", "10")))
# The hosts a webhook may be sent to (comma-separated host names, or host:port): the group robots of
# WeCom, DingTalk and Feishu by default; an intranet adds its own IM gateway. Nothing else is
# posted to, so a user cannot make the server call an internal address ("*" allows any host).
JINGJIN_WEBHOOK_HOSTS = [
    host.strip().lower()
    for host in os.environ.get(
        "JINGJIN_WEBHOOK_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com,open.feishu.cn"
    ).split(",")
    if host.strip()
]

# The schedule (docs/notifications.md): crontab lines "minute hour day month day-of-week" in TIME_ZONE,
# run by the job queue's consumer (`jingjin worker`, or the one embedded in `jingjin demo`/`serve`).
JINGJIN_SCHEDULE = {
    "warnings-refresh": os.environ.get("JINGJIN_SCHEDULE_WARNINGS", "30 1 * * *"),
    "reminders": os.environ.get("JINGJIN_SCHEDULE_REMINDERS", "0 8 * * *"),
    "supervision-reminders": os.environ.get("JINGJIN_SCHEDULE_SUPERVISION", "15 8 * * *"),
    "bulletin": os.environ.get("JINGJIN_SCHEDULE_BULLETIN", "0 7 6 * *"),
    "urging": os.environ.get("JINGJIN_SCHEDULE_URGING", "30 8 * * *"),
}
# Three-colour urging (督办单, issue 20): the colours in the order they escalate, the days past the
# deadline before the first one, and the days between one colour and the next (docs/supervision.md)
JINGJIN_URGING = {
    "colours": [
        c for c in os.environ.get("JINGJIN_URGING_COLOURS", "blue,yellow,red").split(",") if c.strip()
    ],
    "first_after_days": max(1, int(os.environ.get("JINGJIN_URGING_FIRST_AFTER", "1"))),
    "days_between": max(1, int(os.environ.get("JINGJIN_URGING_DAYS_BETWEEN", "3"))),
}
# Reminders (催报): days before a deadline, days after it with daily reminders, escalation after N days
JINGJIN_REMINDER_DAYS_BEFORE = [
    int(d) for d in os.environ.get("JINGJIN_REMINDER_DAYS_BEFORE", "3,1").split(",") if d.strip()
]
JINGJIN_REMINDER_OVERDUE_DAYS = max(0, int(os.environ.get("JINGJIN_REMINDER_OVERDUE_DAYS", "30")))
JINGJIN_REMINDER_ESCALATE_DAYS = max(1, int(os.environ.get("JINGJIN_REMINDER_ESCALATE_DAYS", "3")))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp), the same in every profile (docs/security.md): scripts and
# styles only from our own static files — no inline script, no inline style, no eval —, images
# from us or data: URIs (Bootstrap's icons), no plugins, no framing, forms post only to us.
# Chart data reach the page as JSON (json_script), never as script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if PRODUCTION:
    DEBUG = False
    SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# the attraction pipeline (靶向招引): a lead with no move for this many days at its stage is stale
#: days after a red/black list is published within which a unit may appeal its entry (异议)
JINGJIN_APPEAL_WINDOW_DAYS = max(0, int(os.environ.get("JINGJIN_APPEAL_WINDOW_DAYS", "5")))
JINGJIN_ATTRACTION_STALE_DAYS = {"lead": 60, "contact": 45, "visit": 60, "signed": 90, "started": 180}
