"""Admin of meetings and their agenda, attendance, quorum rules, content library and calendar tokens.

Registered on import: commissions/admin.py imports this module. The agenda
tree (parent, level, position) is only changed through the services, so that
numbering and the three-level limit stay right; rich text is sanitised here
too, through the same `sanitize_html`.
"""

from django.contrib import admin
from django.db import models
from django.utils import timezone

from commissions.composition.admin_filters import commission_filter
from portal.admin_paging import EstimatedCountPaginator
from portal.sanitize import sanitize_html

from . import lifecycle, services
from .models import (
    AgendaAttachment,
    AgendaItem,
    Attendance,
    CalendarToken,
    ContentBlock,
    ConvocationDelivery,
    Meeting,
    QuorumRule,
    format_number,
)


class LockedByRecord:
    """Admin of a meeting's facts: read-only while the meeting's RDD holds them (commissions.meetings.lifecycle)."""

    @staticmethod
    def _meeting_locked(obj) -> bool:
        meeting = obj if isinstance(obj, Meeting) else getattr(obj, "meeting", None)
        return meeting is not None and meeting.is_locked

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._meeting_locked(obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not self._meeting_locked(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._meeting_locked(obj)


class AgendaItemInline(LockedByRecord, admin.TabularInline):
    model = AgendaItem
    fields = ("number_display", "title", "speaker")
    readonly_fields = ("number_display",)
    extra = 0
    can_delete = False
    max_num = 0
    show_change_link = True
    ordering = ("level", "position")

    @admin.display(description="n°")
    def number_display(self, item: AgendaItem) -> str:
        return item.number


class AttendanceInline(LockedByRecord, admin.TabularInline):
    model = Attendance
    fields = ("person", "status")
    autocomplete_fields = ("person",)
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "start_time", "commission", "kind", "status", "presided_by")
    list_filter = ("status", "kind", commission_filter("commission"))
    search_fields = ("commission__name", "title", "place")
    # No date hierarchy: its list of years read every meeting of the country at each page (DISTINCT over 40,000).
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    autocomplete_fields = ("presided_by",)
    readonly_fields = (
        "status",
        "record_lock",
        "convocation_round",
        "convened_at",
        "calendar_uid",
        "calendar_sequence",
        "convocation_sequence",
        "created_at",
        "updated_at",
    )
    inlines = [AgendaItemInline, AttendanceInline]
    list_select_related = ("commission", "presided_by")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_locked:
            return (*fields, *lifecycle.LOCKED_FIELDS)
        return fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_locked)

    def save_model(self, request, obj, form, change):
        if change and services.calendar_moved(obj, form.changed_data):
            obj.calendar_sequence += 1  # a move made here is a new revision of the calendar entry too
        if change and set(form.changed_data) & set(services.MEETING_FIELDS):
            obj.details_changed_at = timezone.now()
        super().save_model(request, obj, form, change)


class AgendaAttachmentInline(admin.TabularInline):
    model = AgendaAttachment
    fields = ("file", "original_name", "uploaded_at", "uploaded_by")
    readonly_fields = ("uploaded_at", "uploaded_by")
    extra = 0


def _number_items(items) -> None:
    """The numbers of these items (01, 1.2, 1.2.1), from one query on the agendas of their meetings: kept on each
    item (`AgendaItem.number` reads it) so that none is computed by counting its siblings."""
    rows = AgendaItem.objects.filter(meeting_id__in={item.meeting_id for item in items}).order_by("position", "pk")
    by_parent: dict[tuple[int, int | None], list[int]] = {}
    parent_of: dict[int, int | None] = {}
    for pk, meeting_id, parent_id in rows.values_list("pk", "meeting_id", "parent_id"):
        by_parent.setdefault((meeting_id, parent_id), []).append(pk)
        parent_of[pk] = parent_id
    rank = {pk: index for siblings in by_parent.values() for index, pk in enumerate(siblings, start=1)}
    for item in items:
        ranks, pk = [], item.pk
        while pk is not None:
            ranks.append(rank[pk])
            pk = parent_of[pk]
        item._number = format_number(list(reversed(ranks)))


@admin.register(AgendaItem)
class AgendaItemAdmin(LockedByRecord, admin.ModelAdmin):
    # Each row's number (`__str__`, also the label of its checkbox) computed for the whole page at once
    # (`get_changelist_instance`), not by counting each item's earlier siblings, a query per row and per level.
    list_display = ("__str__", "meeting", "speaker")
    list_filter = ("speaker", commission_filter("meeting__commission"))
    # The newest first by the primary key's index, instead of the model's order by meeting (a join and a sort of
    # every item of the country at each page).
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_fields = ("title",)  # a trigram index on PostgreSQL
    fields = ("meeting", "parent", "level", "position", "title", "speaker", "content")
    readonly_fields = ("meeting", "parent", "level", "position")
    inlines = [AgendaAttachmentInline]
    list_select_related = ("meeting__commission",)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        _number_items(changelist.result_list)
        return changelist

    def has_add_permission(self, request) -> bool:
        # Items are added from the meeting page, where the position and level are computed.
        return False

    def save_model(self, request, obj, form, change):
        obj.content = sanitize_html(obj.content)
        super().save_model(request, obj, form, change)


@admin.register(ContentBlock)
class ContentBlockAdmin(admin.ModelAdmin):
    list_display = ("title", "commission", "updated_at")
    list_filter = (commission_filter("commission"),)
    list_select_related = ("commission",)
    search_fields = ("title", "content")

    def save_model(self, request, obj, form, change):
        obj.content = sanitize_html(obj.content)
        super().save_model(request, obj, form, change)


@admin.register(QuorumRule)
class QuorumRuleAdmin(admin.ModelAdmin):
    list_display = ("commission", "section_kind", "minimum_present", "note")
    list_filter = ("section_kind",)
    list_select_related = ("commission",)
    search_fields = ("commission__name",)


@admin.register(ConvocationDelivery)
class ConvocationDeliveryAdmin(admin.ModelAdmin):
    list_display = ("meeting", "round", "email", "sent_at")
    list_select_related = ("meeting__commission",)
    search_fields = ("email", "meeting__commission__name")
    readonly_fields = ("meeting", "person", "round", "email", "sent_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "revoked")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    readonly_fields = ("user", "created")
    fields = ("user", "created", "revoked")

    def has_add_permission(self, request) -> bool:
        return False
