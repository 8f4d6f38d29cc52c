"""The list filters: `body`, `modified_since`, `date_from`/`date_to`, each declared by the endpoint that has it.

A viewset names the field each filter reads (`api_filters = {"body": "commission__slug", ...}`); a filter it
does not declare is neither documented nor applied. A value that cannot be read answers 400 in French.
"""

import datetime

from django.utils.dateparse import parse_datetime
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend

from commissions.composition.models import Commission

PARAMETERS = {
    "body": ("string", None, "Identifiant (slug) d'une commission : ses seuls objets."),
    "modified_since": (
        "string",
        "date-time",
        "Objets créés ou modifiés depuis cet instant (ISO 8601, avec fuseau), pour une synchronisation.",
    ),
    "date_from": ("string", "date", "À partir de cette date incluse (AAAA-MM-JJ)."),
    "date_to": ("string", "date", "Jusqu'à cette date incluse (AAAA-MM-JJ)."),
    "meeting": ("integer", None, "Numéro d'une réunion : ses seuls objets."),
    "person": ("integer", None, "Numéro d'une personne : ses seuls mandats."),
    "post": ("integer", None, "Numéro d'un siège : ses seuls mandats."),
}
SPECIAL = ("body", "modified_since", "date")


def _date(name: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise exceptions.ValidationError({name: [f"Date invalide « {value} » : format AAAA-MM-JJ attendu."]}) from error


def _moment(name: str, value: str) -> datetime.datetime:
    try:
        moment = parse_datetime(value)
        if moment is not None and moment.tzinfo is not None:
            # In UTC: ISO 8601 (and Python) allow offsets up to ±23:59, PostgreSQL refuses those beyond ±15:59.
            moment = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):  # OverflowError: before year 1 once in UTC
        moment = None
    if moment is None or moment.tzinfo is None:
        raise exceptions.ValidationError(
            {name: [f"Instant invalide « {value} » : format ISO 8601 avec fuseau attendu (2025-02-26T14:00:00+01:00)."]}
        )
    return moment


def _number(name: str, value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise exceptions.ValidationError({name: [f"Numéro invalide « {value} » : un entier positif est attendu."]})
    return int(value)


class ApiFilters(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        fields = getattr(view, "api_filters", {})
        params = request.query_params
        if "body" in fields and params.get("body"):
            body = params["body"]
            if fields["body"].endswith("__in"):  # a commission id kept without a relation (the tombstones)
                body = Commission.objects.filter(slug=body).values("pk")
            queryset = queryset.filter(**{fields["body"]: body})
        if "modified_since" in fields and params.get("modified_since"):
            queryset = queryset.filter(
                **{f"{fields['modified_since']}__gte": _moment("modified_since", params["modified_since"])}
            )
        if "date" in fields:
            if params.get("date_from"):
                queryset = queryset.filter(**{f"{fields['date']}__gte": _date("date_from", params["date_from"])})
            if params.get("date_to"):
                queryset = queryset.filter(**{f"{fields['date']}__lte": _date("date_to", params["date_to"])})
        for name, field in fields.items():
            if name not in SPECIAL and params.get(name):
                queryset = queryset.filter(**{field: _number(name, params[name])})
        return queryset

    def get_schema_operation_parameters(self, view):
        fields = getattr(view, "api_filters", {})
        names = [name for name in fields if name != "date"] + (["date_from", "date_to"] if "date" in fields else [])
        parameters = []
        for name in names:
            kind, fmt, description = PARAMETERS[name]
            schema = {"type": kind} | ({"format": fmt} if fmt else {}) | ({"minimum": 1} if kind == "integer" else {})
            parameters.append(
                {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
            )
        return parameters
