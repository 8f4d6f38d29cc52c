"""The form of the composition import: a file, its effective date and an optional approval date."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompositionImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier de composition (CSV ou XLSX)",
        help_text="Colonnes : Section, Organisation, Rôle, Civilité, Nom, Prénom, E-mail, Début, Fin "
        "(le format de l'export). 2 Mo au plus.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    effective_on = forms.DateField(
        label="Date d'effet",
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        help_text="La composition du fichier s'applique à partir de cette date ; "
        "les mandats absents du fichier se terminent la veille.",
    )
    approved_on = forms.DateField(
        label="Approuvée en séance le", input_formats=DATE_FORMATS, widget=DATE_WIDGET, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            size = f"{upload.size / (1024 * 1024):.1f}".replace(".", ",")
            raise forms.ValidationError(f"Le fichier pèse {size} Mo : 2 Mo au plus sont acceptés.")
        return upload

    def clean_effective_on(self) -> datetime.date:
        day = self.cleaned_data["effective_on"]
        if day.year < 1950:
            raise forms.ValidationError("Cette date d'effet n'est pas plausible.")
        return day
