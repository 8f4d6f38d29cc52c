"""The admin site: a verified second factor (TOTP, django-otp) is required when ADMIN_REQUIRE_OTP is on.

The setting is read at each request, so that it can be switched without another site object.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class AdminOTPLoginForm(OTPAdminAuthenticationForm):
    """User name, password and code on one page: an admin with a single device need not choose it.

    Through django-otp's public `clean_otp(user)`: the only device is filled in as if chosen, before the form
    checks the code against the chosen device (never another user's: `devices_for_user` is the user's own).
    """

    def clean_otp(self, user):
        if user is not None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        return super().clean_otp(user)


@admin.action(permissions=["delete"], description="Supprimer la sélection")
def delete_selection(modeladmin, request, queryset):
    """Django's own delete action (confirmation page included), under a label right for every model."""
    return delete_selected(modeladmin, request, queryset)


class PortalAdminSite(OTPAdminSite):
    site_header = "Portail des commissions paritaires — administration"
    site_title = "Administration du portail"

    def __init__(self, name: str = "admin"):
        super().__init__(name)
        # Django's French "Supprimer les personnes sélectionnés" gets the gender wrong for half the models.
        self.add_action(delete_selection, "delete_selected")

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
