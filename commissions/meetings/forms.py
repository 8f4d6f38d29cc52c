"""Forms of the meeting screens; the writes themselves are done by the services (services, agenda, convocation)."""

import io

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from PIL import Image, ImageOps

from commissions.composition.models import Commission, Mandate
from members.models import Person
from portal.uploads import ATTACHMENT_KINDS, FileContentValidator, Kind, check_upload

from . import lifecycle
from .models import AgendaItem, Attendance, ContentBlock, Meeting
from .services import MEETING_FIELDS


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
            allowed = lifecycle.allowed_statuses(self.instance)
            self.fields["status"].choices = [
                (value, label) for value, label in Meeting.Status.choices if value in allowed
            ]
            self.fields["status"].initial = self.instance.status
            self.fields["status"].help_text = (
                "« Convoquée » s'obtient par l'envoi de la convocation ; une séance convoquée devient « tenue » "
                "à son heure de début, et « close » à l'approbation de son relevé de décisions."
            )
            if self.instance.is_locked:
                # Shown, not editable: the RDD states them (the service refuses a change all the same).
                for name in lifecycle.LOCKED_FIELDS:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Verrouillé par le relevé de décisions de la séance."


class CallOffForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Repris dans l'e-mail envoyé aux membres convoqués.",
    )


class RichTextWidget(forms.Textarea):
    """A textarea that static/js/editor.js turns into the rich-text editor (django-prose-editor's Tiptap bundle).

    The package's own widget renders an inline <script type="importmap">, which the portal's
    Content-Security-Policy (script-src 'self') blocks: only its static files are used, loaded by
    our module. Without JavaScript the textarea stays, holding the HTML. Either way the HTML is
    cleaned by portal.sanitize.sanitize_html when saved. Images are uploaded to the address
    found in the data-image-upload-url attribute of an enclosing element (the form).
    """

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 12, "data-rich-text": "", **(attrs or {})})

    class Media:
        css = {
            "all": [
                "django_prose_editor/material-icons.css",
                "django_prose_editor/editor.css",
                "css/editor.css",
            ]
        }
        js = [forms.Script("js/editor.js", type="module")]

    def use_required_attribute(self, initial):
        # The textarea is hidden behind the editor: the browser could not point at it.
        return False


RICH_TEXT_HELP = (
    "Titres, listes, tableaux, liens, gras/italique et images déposées sur le portail (PNG ou JPEG). "
    "Tout le reste (scripts, styles, images d'autres sites) est retiré à l'enregistrement."
)


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "speaker", "content"]
        widgets = {"content": RichTextWidget()}
        help_texts = {"content": RICH_TEXT_HELP}


class AttachmentForm(forms.Form):
    # Checked by content, not by name: PDF, Office/OpenDocument files and images only (portal.uploads).
    file = forms.FileField(label="Pièce jointe", validators=[FileContentValidator(kinds=ATTACHMENT_KINDS)])


class InsertBlockForm(forms.Form):
    block = forms.ModelChoiceField(label="Bloc de la bibliothèque", queryset=ContentBlock.objects.none())

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks


class ContentBlockForm(forms.ModelForm):
    class Meta:
        model = ContentBlock
        fields = ["title", "content"]
        widgets = {"content": RichTextWidget()}
        help_texts = {"content": RICH_TEXT_HELP}


# Images of the rich text: at most 5 Mo and 25 million pixels, the limits of the PDF supports'
# reader (supports.conf SUPPORTS_IMAGE_MAX_BYTES / SUPPORTS_IMAGE_MAX_PIXELS), so that an image
# accepted here is never refused in a support.
RICH_TEXT_IMAGE_MAX_BYTES = 5 * 1024 * 1024
RICH_TEXT_IMAGE_MAX_PIXELS = 25_000_000
RICH_TEXT_IMAGE_KINDS = {Kind.PNG, Kind.JPEG}


class RichTextImageForm(forms.Form):
    """An image for the editor: PNG or JPEG by its content, size-limited, decoded and re-encoded by Pillow.

    Re-encoding drops what is not the picture (EXIF data such as a GPS position, comments, anything
    appended to the file): `cleaned_data["image"]` is then `(kind, bytes)`.
    """

    image = forms.FileField(label="Image")

    def clean_image(self):
        upload = self.cleaned_data["image"]
        max_size = getattr(settings, "RICH_TEXT_IMAGE_MAX_BYTES", RICH_TEXT_IMAGE_MAX_BYTES)
        kind = check_upload(upload, kinds=RICH_TEXT_IMAGE_KINDS, max_size=max_size)
        upload.seek(0)
        return kind, _reencoded(upload.read(), kind)


def _reencoded(data: bytes, kind: Kind) -> bytes:
    max_pixels = getattr(settings, "RICH_TEXT_IMAGE_MAX_PIXELS", RICH_TEXT_IMAGE_MAX_PIXELS)
    unreadable = ValidationError("Cette image est illisible ou incomplète.", code="image_unreadable")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    "L'image mesure %(width)s × %(height)s pixels : %(max)s millions de pixels au plus.",
                    code="image_too_large",
                    params={"width": width, "height": height, "max": max_pixels // 1_000_000},
                )
            image.load()
            image = ImageOps.exif_transpose(image)
            output = io.BytesIO()
            if kind == Kind.PNG:
                image.save(output, format="PNG")
            else:
                if image.mode not in {"RGB", "L", "CMYK"}:
                    image = image.convert("RGB")
                image.save(output, format="JPEG", quality=90)
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 - any decoding failure (truncated, bomb, corrupt) is refused
        raise unreadable from error
    return output.getvalue()


class AttendanceForm(forms.Form):
    """One select per member of the commission on the meeting's date; a substitute is never "représenté(e)"."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            choices = list(Attendance.Status.choices)
            if row.role == Mandate.Role.SUBSTITUTE:
                choices = [choice for choice in choices if choice[0] != Attendance.Status.REPRESENTED]
            self.fields[f"status_{row.person.pk}"] = forms.ChoiceField(
                label=row.person.display_name,
                choices=[("", "—"), *choices],
                required=False,
                initial=row.status,
            )

    def statuses(self) -> dict[int, str]:
        """Person id → the status chosen ("" for none), for the service."""
        return {row.person.pk: self.cleaned_data.get(f"status_{row.person.pk}") or "" for row in self.rows}

    def bound_rows(self):
        for row in self.rows:
            yield row, self[f"status_{row.person.pk}"]


class QuorumRulesForm(forms.Form):
    """The seats each section must have represented for the commission to deliberate (empty: no rule)."""

    minimum_sociale = forms.IntegerField(label="Section sociale : sièges représentés au moins", required=False)
    minimum_professionnelle = forms.IntegerField(
        label="Section professionnelle : sièges représentés au moins", required=False
    )

    def minimums(self) -> dict[str, int | None]:
        return {kind: self.cleaned_data.get(f"minimum_{kind}") for kind in ("sociale", "professionnelle")}
