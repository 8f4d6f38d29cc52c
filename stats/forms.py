from django import forms

from .models import TableKind

KIND_CHOICES = [("auto", "Détection automatique"), *TableKind.choices]


class TableUploadForm(forms.Form):
    file = forms.FileField(label="Fichier (CSV, XLSX ou ODS)")
    kind = forms.ChoiceField(label="Type de tableau", choices=KIND_CHOICES, initial="auto")
    sheet = forms.CharField(label="Feuille (XLSX ou ODS)", required=False, help_text="Vide : la première feuille.")
    title = forms.CharField(label="Titre", max_length=300)
    territory = forms.CharField(label="Territoire", max_length=40, required=False, help_text="13, 2A, 974, R93…")
    period_start = forms.DateField(label="Début de période", required=False, help_text="JJ/MM/AAAA")
    period_end = forms.DateField(label="Fin de période", required=False, help_text="JJ/MM/AAAA")
    source = forms.CharField(label="Source", max_length=300, required=False)
    extraction_date = forms.DateField(label="Date d'extraction", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "La fin de période doit être postérieure ou égale au début.")
        return data


class AttachForm(forms.Form):
    agenda_item = forms.TypedChoiceField(label="Point de l'ordre du jour", coerce=int, required=False, empty_value=None)


class ChartsForm(forms.Form):
    """The charts of a table, among those its kind has (stats.chart.CHARTS)."""

    charts = forms.MultipleChoiceField(label="Graphiques", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, table, **kwargs):
        from .chart import CHARTS

        super().__init__(*args, **kwargs)
        self.fields["charts"].choices = list(CHARTS.get(table.kind, ()))
        self.fields["charts"].initial = table.charts or [key for key, _ in CHARTS.get(table.kind, ())]


class DeriveForm(forms.Form):
    extract = forms.TypedChoiceField(label="Extrait national", coerce=int)
    territory = forms.ChoiceField(label="Territoire")
    period = forms.ChoiceField(label="Période")


class ExtractUploadForm(forms.Form):
    file = forms.FileField(label="Extrait (CSV)")
    title = forms.CharField(label="Titre", max_length=300)
    source = forms.CharField(label="Source", max_length=300, required=False)
    extraction_date = forms.DateField(label="Date d'extraction", required=False)


class AidForm(forms.Form):
    file = forms.FileField(label="Fichier d'activité (CSV, XLSX ou ODS)")
    year = forms.IntegerField(label="Année d'activité", min_value=2000, max_value=2100)
