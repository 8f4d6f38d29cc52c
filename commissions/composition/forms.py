"""Forms of the commission page: mandates, seats, section presidents, designations; a new commission.

Forms only collect and shape input; the rules are checked by the services,
whose ValidationErrors are attached to the fields by `portal.forms.add_service_errors`.
"""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.text import slugify

from members.models import Organisation, Person

from .models import Commission, Mandate, Seat, SectionKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def commission_persons(commission: Commission):
    """Persons who sit or sat in the commission, for choosing a president or a designation."""
    return Person.objects.filter(mandates__seat__section__commission=commission).distinct().order_by("last_name")


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, seat: Seat) -> str:
        return f"{seat.section.get_kind_display()} — {seat.organisation.acronym} (siège n° {seat.position})"


class MandateAddForm(PortalForm):
    seat = SeatChoiceField(label="Siège", queryset=Seat.objects.none())
    role = forms.ChoiceField(label="Rôle", choices=Mandate.Role.choices)
    person = forms.ModelChoiceField(
        label="Personne déjà connue",
        queryset=Person.objects.none(),
        required=False,
        help_text="Les personnes qui siègent ou ont siégé dans la commission. Pour une autre, renseignez-la "
        "ci-dessous : une personne déjà connue du portail sous ce nom et cette adresse e-mail est reprise.",
    )
    civility = forms.ChoiceField(label="Civilité", choices=[("", "—"), *Person.Civility.choices], required=False)
    last_name = forms.CharField(label="Nom", max_length=100, required=False)
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    start = forms.DateField(label="Début du mandat", widget=DATE_WIDGET)
    end = forms.DateField(label="Fin du mandat", widget=DATE_WIDGET, required=False, help_text="Vide : sans terme.")

    def __init__(self, *args, commission: Commission, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the commission's own persons: a secretariat never browses the persons of other commissions.
        self.fields["person"].queryset = commission_persons(commission).order_by("last_name", "first_name")
        self.fields["seat"].queryset = (
            Seat.objects.filter(section__commission=commission, closed_on__isnull=True)
            .select_related("section", "organisation")
            .order_by("-section__kind", "position")
        )

    def clean(self):
        data = super().clean()
        if data.get("person") is None:
            if not data.get("last_name"):
                self.add_error(
                    "last_name", "Choisissez une personne connue ou indiquez le nom de la nouvelle personne."
                )
            if not data.get("civility"):
                self.add_error("civility", "Indiquez la civilité de la nouvelle personne.")
        elif data.get("last_name"):
            self.add_error("last_name", "Choisissez une personne connue ou une nouvelle personne, pas les deux.")
        return data

    def person_to_use(self) -> Person:
        """The person chosen; or the one typed: already known to the portal under that name and e-mail (a member
        of another commission), otherwise a new one."""
        data = self.cleaned_data
        if data["person"] is not None:
            return data["person"]
        last_name = " ".join(data["last_name"].split()).upper()
        if data["email"]:
            known = Person.objects.filter(last_name__iexact=last_name, email__iexact=data["email"]).first()
            if known is not None:
                return known
        return Person(
            civility=data["civility"],
            last_name=last_name,
            first_name=capitalised(data["first_name"]),
            email=data["email"],
        )


def capitalised(first_name: str) -> str:
    """A typed first name as names are written: "jean-marc  DE" → "Jean-Marc De"."""
    words = " ".join(first_name.split()).split(" ")
    return " ".join("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")) for word in words)


class MandateEndForm(PortalForm):
    end = forms.DateField(label="Dernier jour du mandat", widget=DATE_WIDGET)


class SeatAddForm(PortalForm):
    section = forms.ChoiceField(label="Section", choices=SectionKind.choices)
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.order_by("acronym"))


class SectionPresidentForm(PortalForm):
    section = forms.ChoiceField(label="Section", choices=SectionKind.choices)
    person = forms.ModelChoiceField(label="Président(e) de la section", queryset=Person.objects.none())
    start = forms.DateField(label="En fonction depuis le", widget=DATE_WIDGET)

    def __init__(self, *args, commission: Commission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = commission_persons(commission)


class DesignationForm(PortalForm):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    president_section = forms.ChoiceField(label="Section qui préside", choices=SectionKind.choices)
    president = forms.ModelChoiceField(label="Président(e) de la commission", queryset=Person.objects.none())
    vice_president = forms.ModelChoiceField(label="Vice-président(e)", queryset=Person.objects.none())
    designated_on = forms.DateField(label="Désignation en séance le", widget=DATE_WIDGET)
    note = forms.CharField(label="Remarque", max_length=300, required=False)

    def __init__(self, *args, commission: Commission, **kwargs):
        super().__init__(*args, **kwargs)
        persons = commission_persons(commission)
        self.fields["president"].queryset = persons
        self.fields["vice_president"].queryset = persons
        self.fields["year"].initial = datetime.date.today().year


MAX_UPLOAD_BYTES = 2 * 1024 * 1024
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class CompositionImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier de composition (CSV, XLSX ou ODS)",
        help_text="Colonnes : Section, Organisation, Rôle, Civilité, Nom, Prénom, E-mail, Début, Fin "
        "(le format de l'export). 2 Mo au plus.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                "application/vnd.oasis.opendocument.spreadsheet"
            }
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


# Paths under /commissions/ that are pages, not commissions: no commission may take them as its identifier.
RESERVED_SLUGS = {"nouvelle-commission"}


class CommissionCreateForm(forms.ModelForm):
    """A new commission as an administrator describes it; its two sections come with it (services.commission_create).
    The identifier, when left empty, is made from the name."""

    class Meta:
        model = Commission
        fields = (
            "name",
            "slug",
            "level",
            "profession",
            "territory",
            "time_zone",
            "secretariat_organisation",
            "secretariat_department",
        )
        help_texts = {
            "name": "Par exemple « CPD Var LPP ».",
            "slug": "Dans l'adresse des pages de la commission, par exemple « cpd-var » ; vide : tiré du nom.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["slug"].required = False
        self.fields["secretariat_organisation"].queryset = Organisation.objects.order_by("acronym")
        self.fields["secretariat_organisation"].empty_label = "— aucun pour l'instant —"

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        same = Commission.objects.filter(name__iexact=name).first()
        if same is not None:
            raise forms.ValidationError(
                f"Une commission porte déjà le nom « {same.name} » (identifiant « {same.slug} ») : choisissez un autre "
                "nom, par exemple avec la profession ou le territoire."
            )
        return name

    def clean_slug(self) -> str:
        return self.cleaned_data.get("slug", "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        name, slug = cleaned.get("name"), cleaned.get("slug")
        if name and not slug:
            slug = slugify(name)[: Commission._meta.get_field("slug").max_length].strip("-")
            if not slug:
                self.add_error(
                    "slug", "Le nom ne donne pas d'identifiant : renseignez l'identifiant (lettres, chiffres, tirets)."
                )
                return cleaned
            cleaned["slug"] = self.instance.slug = slug
        if slug in RESERVED_SLUGS:
            self.add_error("slug", f"L'identifiant « {slug} » est réservé par le portail : choisissez-en un autre.")
        elif slug:
            same = Commission.objects.filter(slug=slug).first()
            if same is not None:
                self.add_error(
                    "slug",
                    f"L'identifiant « {slug} » est déjà celui de la commission « {same.name} » : "
                    "choisissez-en un autre.",
                )
        return cleaned

    def validate_unique(self):
        """The identifier's uniqueness is said above, in French and naming the other commission."""
