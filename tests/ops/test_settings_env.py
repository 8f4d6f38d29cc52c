"""Scale-out settings come from the environment: Redis cache, S3-compatible storage, queue prefix."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

SHOW = (
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION', '-')); "
    "print(s.STORAGES['default']['BACKEND'], s.STORAGES['default'].get('OPTIONS', {}).get('bucket_name', '-')); "
    "print(s.CELERY_TASK_DEFAULT_QUEUE, s.CELERY_TASK_ROUTES['*.render_*']['queue'])"
)
CLEAN = ("CACHE_URL", "REDIS_URL", "S3_BUCKET", "S3_ENDPOINT_URL", "CELERY_QUEUE_PREFIX")


def production_settings(**extra: str) -> list[str]:
    environment = {key: value for key, value in os.environ.items() if key not in CLEAN} | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-3:]


def test_by_default_the_cache_is_in_memory_and_the_files_local():
    assert production_settings() == [
        "django.core.cache.backends.locmem.LocMemCache -",
        "django.core.files.storage.FileSystemStorage -",
        "celery pdf",
    ]


def test_redis_cache_s3_storage_and_a_queue_prefix_when_configured():
    assert production_settings(
        CACHE_URL="redis://cache.internal:6379/1",
        S3_BUCKET="portail-fichiers",
        S3_ENDPOINT_URL="https://s3.internal",
        CELERY_QUEUE_PREFIX="recette-",
    ) == [
        "django_redis.cache.RedisCache redis://cache.internal:6379/1",
        "storages.backends.s3.S3Storage portail-fichiers",
        "recette-celery recette-pdf",
    ]


def test_a_message_outlives_the_longest_task_before_redelivery():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
