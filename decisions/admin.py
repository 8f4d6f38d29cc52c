"""Admin of the RDD: content editable only while a draft, transitions through the workflow functions.

The admin never changes a status itself: its actions call decisions.services
like every screen. A non-draft RDD is read-only here; a write the database
refuses anyway is shown as the French message, not a server error.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from commissions.composition.admin_filters import commission_filter
from portal.admin_paging import EstimatedCountPaginator

from . import content, services
from .models import (
    FROZEN_MESSAGE,
    Approval,
    Commitment,
    CommitmentUpdate,
    Decision,
    ItemRecord,
    Notification,
    Question,
    Rdd,
    TrailEntry,
    ValidationVote,
)
from .trail import access_matches, trail_verify
from .views import client_ip


def _rdd_of(obj) -> Rdd | None:
    if obj is None:
        return None
    if isinstance(obj, Rdd):
        return obj
    if isinstance(obj, Decision):
        return obj.item_record.rdd if obj.item_record_id else None
    return obj.rdd if getattr(obj, "rdd_id", None) else None


def _is_frozen(obj) -> bool:
    rdd = _rdd_of(obj)
    return rdd is not None and rdd.pk is not None and rdd.status_in_db() != Rdd.Status.DRAFT


class DraftOnlyForm(forms.ModelForm):
    """Refuses, with the French message, a change to the content of an RDD that is no longer a draft."""

    def clean(self):
        cleaned = super().clean()
        rdd = cleaned.get("rdd") or (cleaned.get("item_record").rdd if cleaned.get("item_record") else None)
        if _is_frozen(self.instance) or (rdd is not None and rdd.status_in_db() != Rdd.Status.DRAFT):
            raise ValidationError(FROZEN_MESSAGE)
        return cleaned


class DraftOnlyMixin:
    """Read-only once the RDD is no longer a draft (the model, the services and the database refuse it too)."""

    form = DraftOnlyForm

    def get_readonly_fields(self, request, obj=None):
        if _is_frozen(obj):
            return [field for field in (self.fields or []) if field != "rdd"] + ["rdd"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _is_frozen(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and _is_frozen(obj):
            messages.warning(request, FROZEN_MESSAGE)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if _is_frozen(obj):
            # Every field is read-only: nothing to write, and the RDD's content stays as approved.
            messages.error(request, FROZEN_MESSAGE)
            return
        try:
            super().save_model(request, obj, form, change)
        except ValidationError as error:
            # A status changed between the form's check and the save: never a server error.
            raise PermissionDenied(" ".join(error.messages)) from error


class DraftOnlyInline(admin.TabularInline):
    form = DraftOnlyForm
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _is_frozen(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _is_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _is_frozen(obj)


class ItemRecordInline(DraftOnlyInline):
    model = ItemRecord
    fields = ["position", "number", "title", "speaker", "summary"]
    readonly_fields = ["number", "title", "speaker"]
    show_change_link = True


class CommitmentInline(DraftOnlyInline):
    model = Commitment
    fields = ["position", "text", "carried_by"]


class QuestionInline(DraftOnlyInline):
    model = Question
    fields = ["position", "text", "answer", "out_of_scope", "post_commission"]


class ApprovalInline(admin.TabularInline):
    model = Approval
    fields = ["section", "person", "user", "approved_on", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ValidationVoteInline(ApprovalInline):
    model = ValidationVote
    fields = ["section", "votes_for", "votes_against", "abstentions"]
    readonly_fields = fields


@admin.display(description="adresse IP")
def trail_address(entry: TrailEntry) -> str:
    """The entry's address: from the access table while it is kept, or of an entry written before that table."""
    access = getattr(entry, "access", None) if entry.ip_digest else None
    if access is not None:
        return access.ip if access_matches(entry, access.ip) else f"{access.ip} (ne correspond pas au journal)"
    return entry.ip or ("effacée" if entry.ip_digest else "—")


class TrailInline(admin.TabularInline):
    model = TrailEntry
    fields = ["sequence", "action", "user_label", "at", trail_address, "note", "entry_hash"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("access")  # trail_address, without a query per entry

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RddForm(forms.ModelForm):
    class Meta:
        model = Rdd
        fields = ["meeting", "preamble"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status_in_db() != Rdd.Status.DRAFT:
            raise ValidationError(FROZEN_MESSAGE)
        if not self.instance.pk and self.cleaned_data.get("meeting") is not None:
            meeting = self.cleaned_data["meeting"]
            if not meeting.is_session:
                raise ValidationError("Une réunion d'information n'a pas de relevé de décisions.")
            if Rdd.objects.filter(meeting=meeting).exists():
                raise ValidationError("Cette séance a déjà un relevé de décisions.")
        return cleaned


@admin.register(Rdd)
class RddAdmin(admin.ModelAdmin):
    form = RddForm
    list_display = ["__str__", "version", "status", "submitted_at", "approved_at", "transmitted_at", "validated_on"]
    list_filter = ["status", commission_filter("meeting__commission")]
    # What each row's name states (its commission, the meeting's date), in the query of the page.
    list_select_related = ["meeting__commission"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_fields = ["meeting__commission__name"]
    readonly_fields = [
        "version",
        "previous",
        "status",
        "submitted_at",
        "approved_at",
        "transmitted_at",
        "validated_on",
        "validated_in",
        "trail_status",
    ]
    inlines = [ItemRecordInline, CommitmentInline, QuestionInline, ApprovalInline, ValidationVoteInline, TrailInline]
    actions = ["submit", "transmit", "new_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            if obj.status != Rdd.Status.DRAFT:
                return [*self.readonly_fields, "meeting", "preamble"]
            return [*self.readonly_fields, "meeting"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A record with a trail is kept: the trail is append-only.
        return False

    @admin.display(description="journal")
    def trail_status(self, obj):
        if obj.pk is None:
            return "—"
        check = trail_verify(obj)
        if check:
            return f"Chaîne d'empreintes intacte ({check.entries} entrées)"
        return f"Chaîne rompue {check.where} : {check.reason}"

    def save_model(self, request, obj, form, change):
        if change:
            try:
                content.rdd_update_preamble(rdd=obj, preamble=obj.preamble)
            except ValidationError as error:
                raise PermissionDenied(" ".join(error.messages)) from error
            return
        # A new RDD goes through the service so that its items and its trail are created.
        created = services.rdd_create(meeting=obj.meeting, user=request.user, ip=client_ip(request))
        obj.pk = created.pk
        obj.refresh_from_db()
        if obj.preamble != form.cleaned_data.get("preamble", ""):
            content.rdd_update_preamble(rdd=obj, preamble=form.cleaned_data.get("preamble", ""))

    def _run(self, request, queryset, function, success: str):
        for rdd in queryset:
            try:
                function(rdd=rdd, user=request.user, ip=client_ip(request))
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{rdd} : {text}", messages.ERROR)
            else:
                self.message_user(request, f"{rdd} : {success}", messages.SUCCESS)

    @admin.action(description="Soumettre aux présidents de section")
    def submit(self, request, queryset):
        self._run(request, queryset, services.rdd_submit, "soumis aux présidents de section.")

    @admin.action(description="Transmettre aux membres")
    def transmit(self, request, queryset):
        self._run(request, queryset, services.rdd_transmit, "transmis aux membres.")

    @admin.action(description="Créer une version corrigée")
    def new_version(self, request, queryset):
        self._run(request, queryset, services.rdd_new_version, "nouvelle version créée.")


class DecisionInline(DraftOnlyInline):
    model = Decision
    fields = ["position", "text"]


@admin.register(ItemRecord)
class ItemRecordAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "rdd"]
    list_filter = [commission_filter("rdd__meeting__commission")]
    list_select_related = ["rdd__meeting__commission"]
    # The newest first by the primary key's index; the model's order (by RDD, then by the RDD's meeting date)
    # joined and sorted every record of the country at each page. The same for the other content changelists.
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = ["rdd", "position", "number", "title", "speaker", "summary"]
    inlines = [DecisionInline]


@admin.register(Commitment)
class CommitmentAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "carried_by", "rdd"]
    list_filter = ["carried_by", commission_filter("rdd__meeting__commission")]
    list_select_related = ["rdd__meeting__commission"]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = ["rdd", "position", "text", "carried_by"]


@admin.register(CommitmentUpdate)
class CommitmentUpdateAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "commitment", "rdd", "closes"]
    list_select_related = ["commitment", "rdd__meeting__commission"]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = ["commitment", "rdd", "date", "status", "note", "closes"]


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "out_of_scope", "post_commission", "rdd"]
    list_filter = ["out_of_scope", "post_commission", commission_filter("rdd__meeting__commission")]
    list_select_related = ["rdd__meeting__commission"]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = ["rdd", "position", "text", "answer", "out_of_scope", "post_commission"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["rdd", "section", "person", "approved_on"]
    list_select_related = ["rdd__meeting__commission", "person"]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


@admin.register(TrailEntry)
class TrailEntryAdmin(ReadOnlyAdmin):
    list_display = ["rdd", "sequence", "action", "user_label", "at", trail_address]
    list_filter = ["action"]
    list_select_related = ["rdd__meeting__commission", "access"]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["event", "email", "sent_at", "rdd"]
    list_select_related = ["rdd__meeting__commission"]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
