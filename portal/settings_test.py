"""Test settings: the real settings, with eager Celery and fast hashing.

DATABASE_URL chooses the database (PostgreSQL in CI, SQLite otherwise).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The trail's key of the tests (tests/decisions/test_trail_keys.py); never a production key.
os.environ.setdefault("TRAIL_KEYS", "test:" + "7e57" * 16)

from portal.settings import *  # noqa: E402,F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    # Django flushes the test database with TRUNCATE between transactional tests: the triggers of
    # decisions/migrations/0005 refuse it unless the session allows it (tests/decisions/test_trust_truncate.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c portal.allow_truncate=on"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
# The admin tests of each app log in with force_login, without a second factor; the second factor
# itself (on in production) is proved by tests/security/test_admin_otp.py, which turns it on.
ADMIN_REQUIRE_OTP = False
# The pages' cache on (per-process memory, emptied before each test by tests/conftest.py), as in production.
PAGE_CACHE = True
# Supports are not rendered again by themselves after each change (eager tasks would render at once): the tests
# of supports.refresh turn it on.
SUPPORTS_REFRESH_SECONDS = 0

# N+1 detection (django-zeal): a request of the test client that loads a relation lazily once per row of
# a list raises NPlusOneError, so that every page keeps a query count independent of the amount of data
# (tests/perf/test_query_budgets.py measures it). On in tests only: the middleware costs a stack walk per
# lazy load. A case not worth fixing goes into ZEAL_ALLOWLIST with the reason.
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]  # noqa: F405
MIDDLEWARE = ["zeal.middleware.zeal_middleware", *MIDDLEWARE]  # noqa: F405
ZEAL_RAISE = True
ZEAL_ALLOWLIST = [
    # Writes: a service locks or writes each row the user submitted (select_for_update().get(),
    # update_or_create), so these grow with the size of the form, not with the data already stored.
    {"model": "commissions.Mandate", "field": "get()"},  # composition import: mandate_end per ended mandate
    {"model": "commissions.Meeting", "field": "get()"},  # _lock_agenda per item added; supports reload it
    {"model": "commissions.Attendance", "field": "get()"},  # attendance form: one update_or_create per changed row
    {"model": "commissions.Section", "field": "get()"},  # sections_ensure: get_or_create of the two sections
    # person_invite per selected person (admin action); ModelChoiceField.clean once per person field of a
    # form (designation: president and vice-president; the admin's inline mandate rows).
    {"model": "members.Person", "field": "get()"},
    # Deleting an agenda item collects its sub-items level by level: three levels at most.
    {"model": "commissions.AgendaItem", "field": "children"},
    # Admin only (a few administrators; the budgets are for the portal's pages): the sections inline of a
    # commission (two rows) and the approvals inline of an RDD (two rows) name their parent in __str__;
    # the agenda items inline of a meeting shows each item's number, computed from its parents.
    {"model": "commissions.Section", "field": "commission"},
    {"model": "decisions.Approval", "field": "person"},
    {"model": "decisions.Approval", "field": "user"},
    {"model": "commissions.AgendaItem", "field": "parent"},
    # E-mails sent once per recipient: each recipient's row is claimed before sending (a task delivered twice
    # sends nothing twice), so these grow with the number of recipients of one e-mail, by design.
    {"model": "commissions.ConvocationDelivery", "field": "get()"},
    {"model": "decisions.Notification", "field": "get()"},
    # One RDD row locked per transition (select_for_update().get()), and the supports' own reload of the
    # meeting when a transmission renders the RDD document within the same request (eager tasks).
    {"model": "decisions.Rdd", "field": "get()"},
]
