"""The admin site: a verified second factor (TOTP, django-otp) is required when ADMIN_REQUIRE_OTP is on.

The setting is read at each request, so that it can be switched without another site object.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class AdminOTPLoginForm(OTPAdminAuthenticationForm):
    """User name, password and code on one page: an admin with a single device need not choose it."""

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if len(devices) == 1:
                return devices[0]
        return device


class PortalAdminSite(OTPAdminSite):
    site_header = "Portail des commissions paritaires — administration"
    site_title = "Administration du portail"

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return AdminOTPLoginForm if settings.ADMIN_REQUIRE_OTP else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_REQUIRE_OTP else None

    def has_permission(self, request) -> bool:
        if settings.ADMIN_REQUIRE_OTP:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
