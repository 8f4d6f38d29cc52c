from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.template import loader

from portal.mail import AutomaticEmail


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, its e-mail sent as the portal's other automatic e-mails (portal.mail: Auto-Submitted, Subject)."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        message = AutomaticEmail(subject, body, from_email=from_email, to=[to_email])
        if html_email_template_name is not None:
            message.attach_alternative(loader.render_to_string(html_email_template_name, context), "text/html")
        message.send()


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form, whose refusal (a wrong user name or password, said of neither field on purpose) marks
    both fields invalid and describes them by the page's error summary (portal/form_errors.py)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            for name in ("username", "password"):
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": "resume-erreurs"})
                self.fields[name].widget.attrs.pop("autofocus", None)  # the summary takes the focus
            raise
