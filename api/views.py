"""The API's endpoints: read-only lists and details, every queryset filtered on what the caller sees.

An object of a commission the caller does not see is not in the queryset, so its address answers 404 as the
pages do. Each list loads its relations in a fixed number of queries whatever the page's length
(tests/api/test_query_budgets.py).
"""

import datetime
import json

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, Concat
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from commissions.composition.models import Commission, Mandate, PresidencyDesignation, Seat, Section, SectionPresidency
from commissions.composition.presidency import PresidencyUnknown, presidencies_for_years, presidency_article_on
from commissions.meetings.models import AgendaItem, Attendance, Meeting, format_number
from decisions.models import ItemRecord, Rdd, TrailEntry
from members.models import Organisation, Person
from stats.export import export_json
from stats.models import StatTable
from stats.selectors import table_view
from supports.models import SupportRender
from supports.services import recorded_sha256

from . import serializers
from .access import scope_for
from .etags import etag_for
from .filters import ApiFilters
from .models import Tombstone

TRANSMITTED = (Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED)


class ConditionalMixin:
    """ETag on every answer, and 304 to a client that already holds it (If-None-Match)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        response["Cache-Control"] = "private, no-cache"
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(etag_for(response.content))
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, response=response) or response


class ApiViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    filter_backends = [ApiFilters]
    # {filter name: field}: "body", "modified_since", "date" (date_from/date_to) and the exact filters below.
    api_filters: dict[str, str] = {}

    def decorate(self, objects: list) -> None:
        """Computed values the serializer reads, for a page of objects at once (a fixed number of queries)."""

    def get_object(self):
        # The same answer for an object that does not exist and one of a commission the caller does not see, in
        # French, naming no model.
        try:
            return super().get_object()
        except Http404 as error:
            raise NotFound("Introuvable.") from error

    def list(self, request, *args, **kwargs):
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        self.decorate(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.decorate([instance])
        return Response(self.get_serializer(instance).data)

    @property
    def scope(self):
        return scope_for(self.request)


class SystemView(ConditionalMixin, APIView):
    """The entry point: the lists of the API."""

    @extend_schema(responses={200: serializers.SystemSerializer})
    def get(self, request):
        links = {
            name: reverse(f"api:{basename}-list", request=request)
            for name, basename in (
                ("body", "body"),
                ("organization", "organization"),
                ("section", "section"),
                ("post", "post"),
                ("membership", "membership"),
                ("person", "person"),
                ("meeting", "meeting"),
                ("agendaItem", "agendaitem"),
                ("record", "record"),
                ("file", "file"),
                ("table", "table"),
                ("deleted", "deleted"),
            )
        }
        return Response(
            {
                "id": reverse("api:system", request=request),
                "type": "System",
                "name": "Portail des commissions paritaires",
                "apiVersion": "1",
                "schema": reverse("api:schema", request=request),
                "documentation": reverse("api:docs", request=request),
                **links,
            }
        )


class BodyViewSet(ApiViewSet):
    serializer_class = serializers.BodySerializer
    api_filters = {"modified_since": "updated_at"}

    def get_queryset(self):
        return Commission.objects.filter(pk__in=self.scope.visible).order_by("name", "pk")

    @extend_schema(responses={200: serializers.PresidencySerializer(many=True)})
    @action(detail=True, pagination_class=None, filter_backends=[])
    def presidencies(self, request, pk=None):
        """The presidency of each year of the commission (its meetings' years, its designations', this year)."""
        commission = self.get_object()
        designations = list(
            PresidencyDesignation.objects.filter(commission=commission).select_related("president", "vice_president")
        )
        years = {designation.year for designation in designations} | {commission.today().year}
        years |= {day.year for day in Meeting.objects.filter(commission=commission).dates("date", "year")}
        rows = []
        body = reverse("api:body-detail", args=[commission.pk], request=request)
        for presidency in presidencies_for_years(commission, sorted(years), designations):
            if isinstance(presidency, PresidencyUnknown):
                continue
            rows.append(
                {
                    "type": "Presidency",
                    "body": body,
                    "year": presidency.year,
                    "president": reverse("api:person-detail", args=[presidency.president.pk], request=request),
                    "presidentName": presidency.president.display_name,
                    "presidentSection": presidency.president_section.value,
                    "vicePresident": reverse("api:person-detail", args=[presidency.vice_president.pk], request=request),
                    "vicePresidentName": presidency.vice_president.display_name,
                    "vicePresidentSection": presidency.vice_president_section.value,
                    "source": presidency.source,
                    "sourceLabel": presidency.source_label,
                    "designatedOn": presidency.designation.designated_on if presidency.designation else None,
                    # The convention's article in force that year (dated articles: one query a year, the years few).
                    "article": presidency_article_on(
                        commission,
                        presidency.designation.designated_on
                        if presidency.designation
                        else datetime.date(presidency.year, 12, 31),
                    ),
                }
            )
        return Response(serializers.PresidencySerializer(rows, many=True).data)


class SectionViewSet(ApiViewSet):
    """The two sections of each commission (OParl Organization, classification "section")."""

    serializer_class = serializers.SectionSerializer
    api_filters = {"body": "commission__slug", "modified_since": "updated_at"}

    def get_queryset(self):
        return Section.objects.filter(commission_id__in=self.scope.visible).order_by("commission__name", "-kind")


class OrganizationViewSet(ApiViewSet):
    """The organisations holding a seat in, or running the secretariat of, a commission the caller sees."""

    serializer_class = serializers.OrganizationSerializer
    api_filters = {"modified_since": "updated_at"}

    def get_queryset(self):
        visible = self.scope.visible
        seated = Seat.objects.filter(organisation=OuterRef("pk"), section__commission_id__in=visible)
        running = Commission.objects.filter(secretariat_organisation=OuterRef("pk"), pk__in=visible)
        return (
            Organisation.objects.filter(Exists(seated) | Exists(running))
            .prefetch_related("aliases")
            .order_by("acronym", "pk")
        )


def _vacancy(role: str, day: datetime.date) -> ExpressionWrapper:
    filled = Mandate.objects.current_on(day).filter(seat=OuterRef("pk"), role=role)
    return ExpressionWrapper(~Exists(filled), output_field=BooleanField())


class PostViewSet(ApiViewSet):
    """The seats (Popolo's Post): section, organisation, and whether each place is vacant today."""

    serializer_class = serializers.PostSerializer
    api_filters = {"body": "section__commission__slug", "modified_since": "updated_at"}

    def get_queryset(self):
        today = datetime.date.today()
        return (
            Seat.objects.filter(section__commission_id__in=self.scope.visible)
            .select_related("section")
            .annotate(
                titular_vacant=_vacancy(Mandate.Role.TITULAR, today),
                substitute_vacant=_vacancy(Mandate.Role.SUBSTITUTE, today),
            )
            .order_by("section__commission__name", "-section__kind", "position", "pk")
        )


class MembershipViewSet(ApiViewSet):
    """The mandates, past and current: person, seat, role (titulaire, suppléant), start and end."""

    serializer_class = serializers.MembershipSerializer
    api_filters = {
        "body": "seat__section__commission__slug",
        "modified_since": "updated_at",
        "person": "person_id",
        "post": "seat_id",
    }

    def get_queryset(self):
        return (
            Mandate.objects.filter(seat__section__commission_id__in=self.scope.visible)
            .select_related("seat__section")
            .order_by(
                "seat__section__commission__name",
                "-seat__section__kind",
                "seat__position",
                "seat_id",
                "-role",  # the titular first
                "start",
                "pk",
            )
        )


def _sits_in(commissions) -> ExpressionWrapper:
    """The person holds (or held) a mandate or a section presidency, or is a secretariat contact, in one of them."""
    person = OuterRef("pk")
    return ExpressionWrapper(
        Exists(Mandate.objects.filter(person=person, seat__section__commission_id__in=commissions))
        | Exists(SectionPresidency.objects.filter(person=person, section__commission_id__in=commissions))
        | Exists(Commission.secretariat_contacts.through.objects.filter(person=person, commission_id__in=commissions)),
        output_field=BooleanField(),
    )


class PersonViewSet(ApiViewSet):
    """The persons of the commissions the caller sees; e-mail and phone only to their commissions' secretariat."""

    serializer_class = serializers.PersonSerializer
    api_filters = {"modified_since": "updated_at"}

    def get_queryset(self):
        scope = self.scope
        return (
            Person.objects.annotate(visible=_sits_in(scope.visible), personal_data_allowed=_sits_in(scope.secretariat))
            .filter(visible=True)
            .order_by("last_name", "first_name", "pk")
        )


class MeetingViewSet(ApiViewSet):
    serializer_class = serializers.MeetingSerializer
    api_filters = {"body": "commission__slug", "date": "date", "modified_since": "updated_at"}

    def get_queryset(self):
        return (
            Meeting.objects.filter(commission_id__in=self.scope.visible)
            .select_related("commission")
            .prefetch_related(Prefetch("attendances", queryset=_attendance_order()))
            .order_by("-date", "-start_time", "-pk")
        )


def _attendance_order():
    return Attendance.objects.order_by("person__last_name", "person__first_name", "pk")


class AgendaItemViewSet(ApiViewSet):
    serializer_class = serializers.AgendaItemSerializer
    api_filters = {"body": "meeting__commission__slug", "meeting": "meeting_id", "modified_since": "updated_at"}

    def get_queryset(self):
        records = ItemRecord.objects.filter(rdd__status__in=TRANSMITTED).prefetch_related("decisions")
        return (
            AgendaItem.objects.filter(meeting__commission_id__in=self.scope.visible)
            .prefetch_related(Prefetch("rdd_records", queryset=records, to_attr="transmitted_records"))
            .order_by("-meeting__date", "meeting_id", "level", "position", "pk")
        )

    def decorate(self, objects: list) -> None:
        """The numbers shown (01, 1.2) from the positions of every item of the page's meetings: one query."""
        siblings: dict[tuple[int, int | None], list[tuple[int, int]]] = {}
        parents: dict[int, int | None] = {}
        rows = AgendaItem.objects.filter(meeting_id__in={item.meeting_id for item in objects}).values_list(
            "pk", "meeting_id", "parent_id", "position"
        )
        for pk, meeting_id, parent_id, position in rows:
            siblings.setdefault((meeting_id, parent_id), []).append((position, pk))
            parents[pk] = parent_id
        rank = {}
        for group in siblings.values():
            for index, (_, pk) in enumerate(sorted(group), start=1):
                rank[pk] = index
        for item in objects:
            ranks, current = [], item.pk
            while current is not None:
                ranks.append(rank[current])
                current = parents[current]
            item._number = format_number(list(reversed(ranks)))


def _recorded(meeting_field: str) -> Exists:
    """A DOCUMENT entry of a trail of the meeting's RDDs records this rendering's SHA-256 (a transmitted RDD)."""
    return Exists(
        TrailEntry.objects.filter(
            rdd__meeting_id=OuterRef(meeting_field),
            action=TrailEntry.Action.DOCUMENT,
            note__contains=Concat(Value("SHA-256 : "), OuterRef("sha256")),
        )
    )


class RecordViewSet(ApiViewSet):
    """The transmitted RDDs (and those validated since): never a draft, nor one awaiting approval."""

    serializer_class = serializers.RecordSerializer
    api_filters = {"body": "meeting__commission__slug", "date": "meeting__date", "modified_since": "modified"}

    def get_queryset(self):
        return (
            Rdd.objects.filter(status__in=TRANSMITTED, meeting__commission_id__in=self.scope.visible)
            .annotate(modified=Coalesce("validated_at", "transmitted_at"))
            .select_related("meeting__commission")
            .prefetch_related(
                "item_records__decisions",
                "commitments",
                "commitment_updates__commitment",
                "questions",
                "approvals__person",
            )
            .order_by("-meeting__date", "-version", "-pk")
        )

    def decorate(self, objects: list) -> None:
        """Each record's document: the rendering whose SHA-256 its trail's DOCUMENT entry holds (two queries)."""
        entries = TrailEntry.objects.filter(rdd__in=objects, action=TrailEntry.Action.DOCUMENT).order_by("pk")
        wanted = {entry.rdd_id: recorded_sha256(entry) for entry in entries}
        renders = SupportRender.objects.filter(
            meeting_id__in={rdd.meeting_id for rdd in objects},
            kind=SupportRender.Kind.RDD,
            version=SupportRender.Version.FINAL,
            status=SupportRender.Status.READY,
            sha256__in=[digest for digest in wanted.values() if digest],
        ).order_by("pk")
        by_hash = {(render.meeting_id, render.sha256): render for render in renders}
        for rdd in objects:
            rdd.document = by_hash.get((rdd.meeting_id, wanted.get(rdd.pk)))


class FileViewSet(ApiViewSet):
    """The ready PDFs: supports; an RDD's document once its record is transmitted (the secretariat sees all)."""

    serializer_class = serializers.FileSerializer
    api_filters = {"body": "meeting__commission__slug", "meeting": "meeting_id", "modified_since": "finished_at"}

    def get_queryset(self):
        scope = self.scope
        return (
            SupportRender.objects.filter(status=SupportRender.Status.READY, meeting__commission_id__in=scope.visible)
            .filter(
                Q(kind=SupportRender.Kind.SUPPORT)
                | Q(meeting__commission_id__in=scope.secretariat)
                | _recorded("meeting_id")
            )
            .select_related("meeting__commission")
            .order_by("-created_at", "-pk")
        )


class TableViewSet(ApiViewSet):
    """The statistics tables; a table's own address gives its cells, as its JSON export does."""

    serializer_class = serializers.TableSerializer
    api_filters = {"body": "commission__slug", "date": "period_end", "modified_since": "created_at"}

    def get_queryset(self):
        return (
            StatTable.objects.filter(commission_id__in=self.scope.visible)
            .select_related("commission")
            .order_by("commission__name", "-period_end", "kind", "title", "pk")
        )

    def retrieve(self, request, *args, **kwargs):
        table = self.get_object()
        table.cells = json.loads(export_json(table_view(table)))
        return Response(self.get_serializer(table).data)


class DeletedViewSet(ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The objects deleted from the commissions the caller sees (tombstones), the latest first: with
    `modified_since`, what a synchronising client must remove. Deleted persons and organisations too: they belong
    to no commission (and a person who left every commission the caller sees is no longer listed before being
    deleted), so their tombstones, an address and a type, go to every caller who sees a commission."""

    serializer_class = serializers.TombstoneSerializer
    filter_backends = [ApiFilters]
    api_filters = {"body": "commission_id__in", "modified_since": "deleted_at"}

    def get_queryset(self):
        tombstones = Tombstone.objects.order_by("-deleted_at", "-pk")
        if self.request.user.is_superuser:
            return tombstones  # an admin also learns of the deletion of a whole commission
        visible = scope_for(self.request).visible
        if not visible:
            return tombstones.none()
        return tombstones.filter(Q(commission_id__in=visible) | Q(kind__in=Tombstone.SHARED, commission_id=None))
