from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only JSON API (/api/v1/): reads every app, nothing imports it."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import schema  # noqa: F401  (registers the token's security scheme in the OpenAPI schema)
        from .tombstones import connect

        connect()  # a tombstone for each object of the API deleted, whatever deletes it
