"""The API's objects, named after OParl 1.1 where they fit (Body, Organization, Post, Membership, Person, Meeting,
AgendaItem, File) and extended where the domain needs it (Presidency, Record, Table).

Every object has `id` (its absolute URL), `type`, `created`, `modified` and `deleted` (ApiObject). Codes are
values (`state: "tenue"`), their French labels are data beside them (`stateLabel: "Tenue"`). Related objects are
absolute URLs, so that a client follows them without building any.
"""

from django.urls import reverse as django_reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from commissions.composition.models import Commission, Mandate, Seat, Section
from commissions.meetings.models import AgendaItem, Meeting
from decisions.models import Rdd
from members.models import Organisation, Person
from stats.models import StatTable
from supports.models import SupportRender


def link(name: str, source: str | None = None, **kwargs) -> serializers.HyperlinkedRelatedField:
    return serializers.HyperlinkedRelatedField(view_name=f"api:{name}-detail", read_only=True, source=source, **kwargs)


def list_link(request, name: str, **params) -> str:
    """The absolute URL of a list filtered by `params` (the links an object gives to its related lists)."""
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(f"api:{name}-list", request=request) + (f"?{query}" if query else "")


@extend_schema_field(OpenApiTypes.URI)
class ListLink(serializers.Field):
    """The address of a list filtered on this object: `ListLink("membership", post="pk")` gives
    …/memberships/?post=<the object's pk>."""

    def __init__(self, name: str, **params: str):
        self.name, self.params = name, params  # {filter: the object's attribute giving its value}
        super().__init__(source="*", read_only=True)

    def to_representation(self, value) -> str:
        params = {key: getattr(value, attribute) for key, attribute in self.params.items()}
        return list_link(self.context["request"], self.name, **params)


@extend_schema_field(OpenApiTypes.URI)
class WebAddress(serializers.Field):
    """The object's page on the portal."""

    def __init__(self):
        super().__init__(source="*", read_only=True)

    def to_representation(self, value) -> str:
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


class ApiObject(serializers.ModelSerializer):
    """What every object has: id, type, created, modified, deleted."""

    # A serializer names its own fields in `Meta.fields`: `id` (the address on the endpoint `api_name`) and `type`
    # come before them, `created`, `modified` and `deleted` after.

    type = serializers.SerializerMethodField()
    created = serializers.SerializerMethodField()
    modified = serializers.SerializerMethodField()
    deleted = serializers.SerializerMethodField()

    api_name = ""  # the endpoint's basename in api/urls.py
    oparl_type = ""
    created_field = "created_at"
    modified_field: str | None = "updated_at"  # None: no date of change is kept, `modified` is `created`

    def get_field_names(self, declared_fields, info) -> list[str]:
        own = super().get_field_names(declared_fields, info)
        return ["id", "type", *own, "created", "modified", "deleted"]

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["id"] = link(self.api_name, source="*")  # in place of the model's primary key, first
        return fields

    def get_type(self, obj) -> str:
        return self.oparl_type

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_created(self, obj):
        return self._moment(obj, self.created_field)

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_modified(self, obj):
        return self._moment(obj, self.modified_field or self.created_field)

    def get_deleted(self, obj) -> bool:
        return False

    @staticmethod
    def _moment(obj, field: str | None):
        # As DRF writes every other moment: ISO 8601 in the portal's time zone, with its offset.
        value = getattr(obj, field) if field else None
        return serializers.DateTimeField().to_representation(value) if value is not None else None


class BodySerializer(ApiObject):
    api_name = "body"
    oparl_type = "Body"
    shortName = serializers.CharField(source="slug")
    levelLabel = serializers.CharField(source="get_level_display")
    timeZone = serializers.CharField(source="time_zone")
    secretariat = serializers.SerializerMethodField()
    organization = ListLink("section", body="slug")
    post = ListLink("post", body="slug")
    membership = ListLink("membership", body="slug")
    meeting = ListLink("meeting", body="slug")
    presidency = serializers.SerializerMethodField()
    table = ListLink("table", body="slug")
    web = WebAddress()

    class Meta:
        model = Commission
        fields = [
            "name", "shortName", "level", "levelLabel", "profession", "territory", "timeZone", "secretariat",
            "organization", "post", "membership", "meeting", "presidency", "table", "web",
        ]  # fmt: skip

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "organization": {"type": "string", "format": "uri", "nullable": True},
                "department": {"type": "string"},
            },
        }
    )
    def get_secretariat(self, obj: Commission) -> dict:
        organisation = obj.secretariat_organisation_id
        request = self.context["request"]
        return {
            "organization": reverse("api:organization-detail", args=[organisation], request=request)
            if organisation
            else None,
            "department": obj.secretariat_department,
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_presidency(self, obj) -> str:
        return reverse("api:body-presidencies", args=[obj.pk], request=self.context["request"])


class SectionSerializer(ApiObject):
    api_name = "section"
    oparl_type = "Organization"
    body = link("body", source="commission")
    classification = serializers.SerializerMethodField()
    sectionKind = serializers.CharField(source="kind")
    name = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Section
        fields = ["body", "classification", "sectionKind", "name"]

    def get_classification(self, obj) -> str:
        return "section"


class OrganizationSerializer(ApiObject):
    api_name = "organization"
    oparl_type = "Organization"
    shortName = serializers.CharField(source="acronym")
    classification = serializers.CharField(source="kind")
    classificationLabel = serializers.CharField(source="get_kind_display")
    otherNames = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["name", "shortName", "classification", "classificationLabel", "otherNames"]

    def get_otherNames(self, obj) -> list[str]:
        return [alias.name for alias in obj.aliases.all()]


class PostSerializer(ApiObject):
    api_name = "post"
    oparl_type = "Post"
    body = link("body", source="section.commission")
    organization = link("section", source="section")
    onBehalfOf = link("organization", source="organisation")
    sectionKind = serializers.CharField(source="section.kind")
    position = serializers.IntegerField()  # declared: see AgendaItemSerializer.level
    startDate = serializers.DateField(source="opened_on", allow_null=True)
    endDate = serializers.DateField(source="closed_on", allow_null=True)
    titularVacant = serializers.BooleanField(source="titular_vacant")
    substituteVacant = serializers.BooleanField(source="substitute_vacant")
    membership = ListLink("membership", post="pk")

    class Meta:
        model = Seat
        fields = [
            "body", "organization", "onBehalfOf", "sectionKind", "position", "startDate", "endDate",
            "titularVacant", "substituteVacant", "membership",
        ]  # fmt: skip


class MembershipSerializer(ApiObject):
    api_name = "membership"
    oparl_type = "Membership"
    person = link("person")
    post = link("post", source="seat")
    organization = link("section", source="seat.section")
    onBehalfOf = link("organization", source="seat.organisation")
    body = link("body", source="seat.section.commission")
    roleLabel = serializers.CharField(source="get_role_display")
    startDate = serializers.DateField(source="start")
    endDate = serializers.DateField(source="end", allow_null=True)

    class Meta:
        model = Mandate
        fields = ["person", "post", "organization", "onBehalfOf", "body", "role", "roleLabel", "startDate", "endDate"]


class PersonSerializer(ApiObject):
    """A person; e-mail and phone only to the secretariat of a commission the person sits in (null otherwise)."""

    api_name = "person"
    oparl_type = "Person"
    name = serializers.CharField(source="display_name")
    formOfAddress = serializers.CharField(source="civility")
    familyName = serializers.CharField(source="last_name")
    givenName = serializers.CharField(source="first_name")
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    membership = ListLink("membership", person="pk")

    class Meta:
        model = Person
        fields = ["name", "formOfAddress", "familyName", "givenName", "email", "phone", "membership"]

    def get_email(self, obj) -> str | None:
        return obj.email if obj.personal_data_allowed else None

    def get_phone(self, obj) -> str | None:
        return obj.phone if obj.personal_data_allowed else None


class PresidencySerializer(serializers.Serializer):
    """The presidency of a year: by the rotation rule, or as designated in session."""

    type = serializers.CharField()
    body = serializers.URLField()
    year = serializers.IntegerField()
    president = serializers.URLField(allow_null=True)
    presidentName = serializers.CharField()
    presidentSection = serializers.CharField()
    vicePresident = serializers.URLField(allow_null=True)
    vicePresidentName = serializers.CharField()
    vicePresidentSection = serializers.CharField()
    source = serializers.ChoiceField(choices=["rule", "designation"])
    sourceLabel = serializers.CharField()
    designatedOn = serializers.DateField(allow_null=True)
    article = serializers.CharField()


class AttendanceSerializer(serializers.Serializer):
    person = serializers.URLField()
    status = serializers.CharField()
    statusLabel = serializers.CharField()


class MeetingSerializer(ApiObject):
    api_name = "meeting"
    oparl_type = "Meeting"
    body = link("body", source="commission")
    name = serializers.SerializerMethodField()
    kindLabel = serializers.CharField(source="get_kind_display")
    state = serializers.CharField(source="status")
    stateLabel = serializers.CharField(source="get_status_display")
    stateNote = serializers.CharField(source="status_note")
    cancelled = serializers.BooleanField(source="is_called_off")
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    location = serializers.CharField(source="place")
    presidedBy = link("person", source="presided_by", allow_null=True)
    agendaItem = ListLink("agendaitem", meeting="pk")
    attendance = serializers.SerializerMethodField()
    web = WebAddress()

    class Meta:
        model = Meeting
        fields = [
            "body", "name", "kind", "kindLabel", "state", "stateLabel", "stateNote", "cancelled", "start", "end",
            "location", "presidedBy", "agendaItem", "attendance", "web",
        ]  # fmt: skip

    def get_name(self, obj: Meeting) -> str:
        return str(obj)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_start(self, obj: Meeting) -> str:
        return obj.starts_at.isoformat()

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_end(self, obj: Meeting) -> str | None:
        return obj.ends_at.isoformat() if obj.end_time else None

    @extend_schema_field(AttendanceSerializer(many=True, allow_null=True))
    def get_attendance(self, obj: Meeting):
        """Who attended, once the meeting is held (null before)."""
        if obj.status not in (Meeting.Status.HELD, Meeting.Status.CLOSED):
            return None
        request = self.context["request"]
        return [
            {
                "person": reverse("api:person-detail", args=[row.person_id], request=request),
                "status": row.status,
                "statusLabel": row.get_status_display(),
            }
            for row in obj.attendances.all()
        ]


class AgendaItemSerializer(ApiObject):
    api_name = "agendaitem"
    oparl_type = "AgendaItem"
    meeting = link("meeting")
    parent = link("agendaitem", allow_null=True)
    number = serializers.CharField()
    name = serializers.CharField(source="title")
    speakerLabel = serializers.CharField(source="get_speaker_display")
    # Declared, not derived from the model: the bounds of a model's small integers differ between SQLite and
    # PostgreSQL, and the schema checked in must be the same on both.
    level = serializers.IntegerField()
    position = serializers.IntegerField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["meeting", "parent", "number", "level", "position", "name", "speaker", "speakerLabel", "result"]

    def get_result(self, obj) -> list[str]:
        """The decisions the transmitted record states on this item (empty before its transmission)."""
        return [decision.text for record in obj.transmitted_records for decision in record.decisions.all()]


class RecordItemSerializer(serializers.Serializer):
    agendaItem = link("agendaitem", source="agenda_item", allow_null=True)
    number = serializers.CharField()
    name = serializers.CharField(source="title")
    speaker = serializers.CharField()
    summary = serializers.CharField()
    decisions = serializers.SerializerMethodField()

    def get_decisions(self, obj) -> list[str]:
        return [decision.text for decision in obj.decisions.all()]


class CommitmentSerializer(serializers.Serializer):
    key = serializers.UUIDField()
    text = serializers.CharField()
    carriedBy = serializers.CharField(source="carried_by")
    carriedByLabel = serializers.CharField(source="get_carried_by_display")


class FollowUpSerializer(serializers.Serializer):
    """A commitment of an earlier session followed up in this record."""

    commitment = serializers.UUIDField(source="commitment.key")
    commitmentText = serializers.CharField(source="commitment.text")
    date = serializers.DateField()
    status = serializers.CharField()
    note = serializers.CharField()
    closes = serializers.BooleanField()


class QuestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    answer = serializers.CharField()
    outOfScope = serializers.BooleanField(source="out_of_scope")
    postCommission = serializers.BooleanField(source="post_commission")


class ApprovalSerializer(serializers.Serializer):
    section = serializers.CharField()
    sectionLabel = serializers.CharField(source="get_section_display")
    person = link("person")
    name = serializers.SerializerMethodField()
    approvedOn = serializers.DateField(source="approved_on")

    def get_name(self, obj) -> str:
        """The approver as the approval states them (its own snapshot)."""
        return obj.facts.get("name") or obj.person.display_name


class DocumentSerializer(serializers.Serializer):
    file = serializers.URLField()
    accessUrl = serializers.URLField()
    sha256Checksum = serializers.CharField()


class RecordSerializer(ApiObject):
    """A transmitted RDD: what it records, as it was approved (its content is frozen since its submission)."""

    api_name = "record"
    oparl_type = "Record"
    body = link("body", source="meeting.commission")
    meeting = link("meeting")
    version = serializers.IntegerField()  # declared: see AgendaItemSerializer.level
    state = serializers.CharField(source="status")
    stateLabel = serializers.CharField(source="get_status_display")
    submitted = serializers.DateTimeField(source="submitted_at")
    approved = serializers.DateTimeField(source="approved_at")
    transmitted = serializers.DateTimeField(source="transmitted_at")
    validatedOn = serializers.DateField(source="validated_on", allow_null=True)
    statedFacts = serializers.JSONField(source="facts")
    items = RecordItemSerializer(source="item_records", many=True)
    commitments = CommitmentSerializer(many=True)
    followUps = FollowUpSerializer(source="commitment_updates", many=True)
    questions = QuestionSerializer(many=True)
    approvals = ApprovalSerializer(many=True)
    document = serializers.SerializerMethodField()
    web = WebAddress()

    class Meta:
        model = Rdd
        fields = [
            "body", "meeting", "version", "state", "stateLabel", "preamble", "submitted", "approved", "transmitted",
            "validatedOn", "statedFacts", "items", "commitments", "followUps", "questions", "approvals", "document",
            "web",
        ]  # fmt: skip

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_modified(self, obj: Rdd):
        return serializers.DateTimeField().to_representation(obj.validated_at or obj.transmitted_at)

    @extend_schema_field(DocumentSerializer(allow_null=True))
    def get_document(self, obj: Rdd):
        """The sealed PDF whose SHA-256 the record's trail holds (null while it is being made)."""
        render = getattr(obj, "document", None)
        if render is None:
            return None
        request = self.context["request"]
        return {
            "file": reverse("api:file-detail", args=[render.pk], request=request),
            "accessUrl": request.build_absolute_uri(file_download_path(render, obj.meeting.commission.slug)),
            "sha256Checksum": render.sha256,
        }


def file_download_path(render: SupportRender, slug: str) -> str:
    return django_reverse("supports:support_download", args=[slug, render.meeting_id, render.pk])


class FileSerializer(ApiObject):
    """A stored PDF: a meeting's support, or an RDD's document; downloaded with the portal's session."""

    api_name = "file"
    oparl_type = "File"
    modified_field = "finished_at"
    meeting = link("meeting")
    body = link("body", source="meeting.commission")
    name = serializers.SerializerMethodField()
    kindLabel = serializers.CharField(source="get_kind_display")
    versionLabel = serializers.CharField(source="get_version_display")
    mimeType = serializers.SerializerMethodField()
    sha256Checksum = serializers.CharField(source="sha256")
    pageCount = serializers.IntegerField(source="page_count")
    accessUrl = serializers.SerializerMethodField()

    class Meta:
        model = SupportRender
        fields = [
            "meeting", "body", "name", "kind", "kindLabel", "version", "versionLabel", "mimeType", "sha256Checksum",
            "pageCount", "accessUrl",
        ]  # fmt: skip

    def get_name(self, obj) -> str:
        return str(obj)

    def get_mimeType(self, obj) -> str:
        return "application/pdf"

    @extend_schema_field(OpenApiTypes.URI)
    def get_accessUrl(self, obj) -> str:
        return self.context["request"].build_absolute_uri(file_download_path(obj, obj.meeting.commission.slug))


class CellSerializer(serializers.Serializer):
    row = serializers.CharField()
    column = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    flag = serializers.CharField(allow_null=True)


class TableSerializer(ApiObject):
    api_name = "table"
    oparl_type = "Table"
    modified_field = None  # a table keeps no date of change (its link to an agenda item): `modified` is `created`
    body = link("body", source="commission")
    kindLabel = serializers.CharField(source="get_kind_display")
    periodStart = serializers.DateField(source="period_start")
    periodEnd = serializers.DateField(source="period_end")
    extractionDate = serializers.DateField(source="extraction_date", allow_null=True)
    agendaItem = link("agendaitem", source="agenda_item", allow_null=True)
    cells = serializers.SerializerMethodField()
    web = WebAddress()

    class Meta:
        model = StatTable
        fields = [
            "body", "kind", "kindLabel", "title", "territory", "periodStart", "periodEnd", "source", "extractionDate",
            "agendaItem", "cells", "web",
        ]  # fmt: skip

    @extend_schema_field(CellSerializer(many=True, allow_null=True))
    def get_cells(self, obj):
        """The cells as the JSON export gives them, on the table's own address (null in the list)."""
        return getattr(obj, "cells", None)


class SystemSerializer(serializers.Serializer):
    """The entry point: the address of each list."""

    id = serializers.URLField()
    type = serializers.CharField()
    name = serializers.CharField()
    apiVersion = serializers.CharField()
    schema = serializers.URLField()
    documentation = serializers.URLField()
    body = serializers.URLField()
    organization = serializers.URLField()
    section = serializers.URLField()
    post = serializers.URLField()
    membership = serializers.URLField()
    person = serializers.URLField()
    meeting = serializers.URLField()
    agendaItem = serializers.URLField()
    record = serializers.URLField()
    file = serializers.URLField()
    table = serializers.URLField()
    deleted = serializers.URLField()


class TombstoneSerializer(serializers.Serializer):
    """A deleted object: its former address and type, `deleted: true`, and when it was deleted (`modified`)."""

    id = serializers.SerializerMethodField()
    type = serializers.CharField(source="get_kind_display")
    body = serializers.SerializerMethodField()
    created = serializers.SerializerMethodField()
    modified = serializers.DateTimeField(source="deleted_at")
    deleted = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_id(self, obj) -> str:
        return reverse(f"api:{obj.kind}-detail", args=[obj.object_id], request=self.context["request"])

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_body(self, obj):
        if obj.commission_id is None:
            return None
        return reverse("api:body-detail", args=[obj.commission_id], request=self.context["request"])

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_created(self, obj):
        return None

    def get_deleted(self, obj) -> bool:
        return True
