"""Organisations (unions, insurer bodies) and the persons who sit for them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Organisation(models.Model):
    """A union of the profession or a body of the insurers."""

    class Kind(models.TextChoices):
        UNION = "syndicat", "Syndicat professionnel"
        INSURER = "organisme", "Organisme d'assurance maladie"
        MEDICAL_SERVICE = "service_medical", "Service médical"
        OTHER = "autre", "Autre"

    acronym = models.CharField("sigle", max_length=60)
    name = models.CharField("nom complet", max_length=200, blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.UNION)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "organisation"
        ordering = ["acronym"]
        constraints = [
            models.UniqueConstraint(Lower("acronym"), name="organisation_acronym_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.acronym


class OrganisationAlias(models.Model):
    """Another name an organisation appears under (UNPDM for UNDPM, CPAM 13 for CPCAM 13)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="aliases", verbose_name="organisation"
    )
    name = models.CharField("autre nom", max_length=200)

    class Meta:
        verbose_name = "autre nom"
        verbose_name_plural = "autres noms"
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_alias_unique_ci")]

    def __str__(self) -> str:
        return self.name


def capitalised_first_name(value: str) -> str:
    """A first name typed all in lower or upper case, capitalised at each word and hyphen ("jean-pierre" →
    "Jean-Pierre", "MARIE CLAIRE" → "Marie Claire"); a name typed with its own capitals is kept as it is."""
    value = " ".join(value.split())
    if not value or not (value.islower() or value.isupper()):
        return value
    return " ".join("-".join(part.capitalize() for part in word.split("-")) for word in value.split(" "))


class Person(models.Model):
    """A person who sits in a commission or works for its secretariat."""

    class Civility(models.TextChoices):
        MME = "Mme", "Mme"
        M = "M.", "M."
        DR = "Dr", "Dr"

    civility = models.CharField("civilité", max_length=4, choices=Civility.choices)
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifié le")

    class Meta:
        verbose_name = "personne"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(Lower("last_name"), Lower("first_name"), name="person_name_ci")]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        # Names as the documents write them, whatever was typed: "DUPONT Jean", never "DUPONT jean".
        self.last_name = " ".join(self.last_name.split())
        self.first_name = capitalised_first_name(self.first_name)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The way the documents name a person: "Mme KERN Colette"."""
        return " ".join(part for part in (self.civility, self.last_name.upper(), self.first_name) if part)
