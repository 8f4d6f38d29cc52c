from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .forms import PasswordResetForm


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: the invited person chooses a password.

    The same token check as a password reset (the token hashes the password,
    so the link stops working once the password is set); only the words differ.
    """

    template_name = "registration/invitation_accept.html"
    success_url = reverse_lazy("invitation_complete")
    reset_url_token = "choisir-mot-de-passe"


class InvitationCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/invitation_complete.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links point to the portal's configured address, like invitation links, not to the request's host."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        self.extra_email_context = {"portal_base_url": settings.PORTAL_BASE_URL}
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Logging out also clears what the browser keeps for the portal (the RDD editor's texts not yet saved, in
    localStorage), from whatever page: `Clear-Site-Data: "storage"`, honoured on HTTPS and on 127.0.0.1."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response
