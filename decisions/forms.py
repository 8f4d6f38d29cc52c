"""Forms of the RDD screens; the writes themselves are done by decisions.services."""

import logging

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from commissions.composition.models import SectionKind
from commissions.meetings.models import Meeting

from .models import ApprovalPasswordFailure, CarriedBy, Commitment, Question

security_log = logging.getLogger("portal.security")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BlockVersionField(forms.CharField):
    """The version of an editor's block as the page loaded it (decisions.content.block_version), sent back with it."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=64, widget=forms.HiddenInput, **kwargs)

    def clean(self, value) -> str | None:
        return super().clean(value) or None


class PreambleForm(forms.Form):
    version = BlockVersionField()
    preamble = forms.CharField(
        label="Préambule",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : « Lors de cette commission, la Présidence a été donnée au Président de la section "
        "professionnelle. »",
    )


class ItemRecordForm(forms.Form):
    version = BlockVersionField()
    summary = forms.CharField(label="Synthèse des échanges", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(
        label="Décisions actées",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une décision par ligne.",
    )

    def decision_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()]


class CommitmentForm(forms.ModelForm):
    version = BlockVersionField()

    class Meta:
        model = Commitment
        fields = ["text", "carried_by"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"carried_by": "Porté par"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carried_by"].choices = CarriedBy.choices


class FollowUpForm(forms.Form):
    date = forms.DateField(label="Date", widget=DateInput())
    status = forms.CharField(label="État", max_length=300)
    note = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    closes = forms.BooleanField(label="Engagement clos", required=False)


class QuestionForm(forms.ModelForm):
    version = BlockVersionField()

    class Meta:
        model = Question
        fields = ["text", "answer", "out_of_scope", "post_commission"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "answer": forms.Textarea(attrs={"rows": 3})}


class ApproveForm(forms.Form):
    """Approving asks for the password again: the person at the keyboard is the president.

    The password is throttled as the login is (AXES_FAILURE_LIMIT wrong passwords within AXES_COOLOFF_TIME lock
    it for the rest of that window; a right one clears the count), against someone at a president's open
    session (a computer left unlocked, a stolen session cookie) guessing the password to approve in their name.
    The count is per user whatever the address, kept in the database (ApprovalPasswordFailure), not in the
    cache: a cache down must not lift it. django-axes is not reused: its lockout is configured for the login
    per (user name, address), and its failures would lock the president out of the login too.
    """

    password = forms.CharField(
        label="Votre mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Pour approuver, confirmez votre identité en saisissant à nouveau votre mot de passe.",
    )
    # The hash of the content shown on the page (trail.approval_hash): the service refuses the approval if the
    # content is no longer that one, and the approval stores it.
    content_hash = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        failures = ApprovalPasswordFailure.objects
        # The outcome is decided inside the transaction and raised after it: raising inside would roll back
        # the failure just recorded.
        with transaction.atomic():
            # The user's row locked: concurrent attempts are counted one after the other, none slips past the limit.
            get_user_model().objects.select_for_update().filter(pk=self.user.pk).exists()
            now = timezone.now()
            locked_until = failures.locked_until(self.user, now=now)
            right = locked_until is None and self.user.check_password(password)
            if right:
                failures.filter(user=self.user).delete()
            elif locked_until is None:
                failures.record(self.user, now=now)
        if locked_until is not None:
            security_log.warning("approval password locked user=%s until=%s", self.user.pk, locked_until)
            raise forms.ValidationError(
                "Trop de mots de passe erronés : l'approbation est bloquée jusqu'à %(time)s. "
                "Réessayez à partir de cette heure.",
                params={"time": f"{timezone.localtime(locked_until):%H:%M}"},
                code="locked",
            )
        if not right:
            security_log.warning("approval password failed user=%s", self.user.pk)
            raise forms.ValidationError("Mot de passe incorrect : le relevé n'a pas été approuvé.")
        return password


class SendBackForm(forms.Form):
    remark = forms.CharField(
        label="Remarque pour le secrétariat",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez la remarque à transmettre au secrétariat."},
    )


class ValidateForm(forms.Form):
    """The vote of a later session validating a transmitted RDD."""

    meeting = forms.ModelChoiceField(label="Séance du vote", queryset=Meeting.objects.none())

    def __init__(self, *args, rdd, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            commission_id=rdd.meeting.commission_id, kind=Meeting.Kind.SESSION, date__gt=rdd.meeting.date
        ).order_by("date")
        self.fields["meeting"].label_from_instance = lambda meeting: f"Séance du {meeting.date:%d/%m/%Y}"
        for kind in SectionKind:
            for key, label in (("for", "pour"), ("against", "contre"), ("abstentions", "abstention")):
                self.fields[f"{kind.value}_{key}"] = forms.IntegerField(
                    label=f"{kind.label} — {label}", min_value=0, initial=0
                )

    def sections(self) -> list[tuple[str, list]]:
        """Each section's label and its three fields (for, against, abstentions), as the page lays them out."""
        return [
            (kind.label, [self[f"{kind.value}_{key}"] for key in ("for", "against", "abstentions")])
            for kind in SectionKind
        ]

    def votes(self) -> dict[str, tuple[int, int, int]]:
        data = self.cleaned_data
        return {
            kind.value: (data[f"{kind.value}_for"], data[f"{kind.value}_against"], data[f"{kind.value}_abstentions"])
            for kind in SectionKind
        }
