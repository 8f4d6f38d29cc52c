"""Forms of the meeting screens; the writes themselves are done by services_meetings."""

from django import forms
from django.db.models import Q

from members.models import Person

from .models import Commission
from .models_meetings import AgendaItem, Attendance, ContentBlock, Meeting
from .services_meetings import MEETING_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    status = forms.ChoiceField(label="Statut", required=False)
    video_link = forms.URLField(label="Lien de visioconférence", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = list(MEETING_FIELDS)
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}
        help_texts = {
            "presided_by": "Laisser vide à la création : la présidence de l'année (règle de rotation ou "
            "désignation en séance) est proposée pour une séance.",
        }

    def __init__(self, *args, commission: Commission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presided_by"].queryset = (
            Person.objects.filter(
                Q(mandates__seat__section__commission=commission)
                | Q(section_presidencies__section__commission=commission)
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["presided_by"].label_from_instance = lambda person: person.display_name
        if self.instance.pk is None:
            del self.fields["status"]
        else:
            current = self.instance.status
            allowed = [current, Meeting.Status.HELD, Meeting.Status.CLOSED]
            self.fields["status"].choices = [
                (value, label) for value, label in Meeting.Status.choices if value in allowed
            ]
            self.fields["status"].initial = current
            self.fields["status"].help_text = "« Convoquée » s'obtient par l'envoi de la convocation."


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "speaker", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 12, "class": "font-monospace"})}
        help_texts = {
            "content": "HTML simple : titres, paragraphes, listes, tableaux, liens, gras/italique, images du portail. "
            "Tout le reste (scripts, styles) est retiré à l'enregistrement.",
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Pièce jointe")


class InsertBlockForm(forms.Form):
    block = forms.ModelChoiceField(label="Bloc de la bibliothèque", queryset=ContentBlock.objects.none())

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks


class ContentBlockForm(forms.ModelForm):
    class Meta:
        model = ContentBlock
        fields = ["title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 12, "class": "font-monospace"})}


class AttendanceForm(forms.Form):
    """One select per member of the commission on the meeting's date."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"status_{row.person.pk}"] = forms.ChoiceField(
                label=row.person.display_name,
                choices=[("", "—")] + list(Attendance.Status.choices),
                required=False,
                initial=row.status,
            )

    def bound_rows(self):
        for row in self.rows:
            yield row, self[f"status_{row.person.pk}"]
