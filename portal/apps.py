"""The admin application with the portal's admin site as its default site."""

from axes import apps as axes_apps
from django.contrib.admin.apps import AdminConfig
from django_otp.plugins.otp_totp import apps as totp_apps


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"


class AxesConfig(axes_apps.AppConfig):
    """django-axes with a French name in the admin (it has none: the admin showed "AXES")."""

    verbose_name = "Tentatives de connexion"


class TotpConfig(totp_apps.DefaultConfig):
    """django-otp's TOTP devices with a French name in the admin (it showed "OTP_TOTP")."""

    verbose_name = "Second facteur (TOTP)"
