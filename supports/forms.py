from django import forms

from .models import SupportRender


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label="Document", choices=SupportRender.Kind.choices, initial=SupportRender.Kind.SUPPORT)
    version = forms.ChoiceField(
        label="Version", choices=SupportRender.Version.choices, initial=SupportRender.Version.CONVOCATION
    )


class VerifyForm(forms.Form):
    """A PDF to recognise on "Vérifier un relevé": checked by its content (portal.uploads) and its size."""

    document = forms.FileField(label="Relevé de décisions (PDF)")

    def clean_document(self):
        from django.conf import settings

        from portal.uploads import Kind, check_upload

        upload = self.cleaned_data["document"]
        check_upload(upload, kinds={Kind.PDF}, max_size=settings.VERIFY_UPLOAD_MAX_SIZE)
        return upload
