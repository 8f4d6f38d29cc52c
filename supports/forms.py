from django import forms

from .models import SupportRender


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label="Document", choices=SupportRender.Kind.choices, initial=SupportRender.Kind.SUPPORT)
    version = forms.ChoiceField(
        label="Version", choices=SupportRender.Version.choices, initial=SupportRender.Version.CONVOCATION
    )
