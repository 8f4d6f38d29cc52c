from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: retention purge; wires the security log receivers of portal.security."""

    name = "ops"
    verbose_name = "Exploitation"

    def ready(self) -> None:
        from portal import security  # noqa: F401 (connects the login and lockout receivers)
