from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.text import smart_split, unescape_string_literal

from members.models import Organisation, Person
from portal.admin_paging import EstimatedCountPaginator

from .admin_filters import commission_filter
from .models import (
    Commission,
    CompositionChange,
    Mandate,
    PresidencyArticle,
    PresidencyDesignation,
    ReaderScope,
    Seat,
    Section,
    SectionPresidency,
)
from .services import commission_create

# What a search on a person matches: the columns indexed by trigrams on PostgreSQL (decisions' migration 0010).
PERSON_SEARCH = ("person__last_name", "person__first_name", "person__email")

# When a row was recorded and last changed (the API's created and modified), shown read-only.
DATES = ("created_at", "updated_at")


class SectionInline(admin.TabularInline):
    """The two sections exist from the commission's creation; here they only lead to their seats."""

    model = Section
    fields = ("kind",)
    readonly_fields = ("kind",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


class PresidencyArticleInline(admin.TabularInline):
    """The article on the presidency as it changes with the convention (the dated one wins over the field)."""

    model = PresidencyArticle
    fields = ("start", "article")
    extra = 0


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "profession", "territory", "slug")
    list_filter = ("level",)
    search_fields = ("name", "slug", "profession", "territory")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("agents", "secretariat_contacts")
    autocomplete_fields = ("secretariat_organisation",)
    inlines = [SectionInline, PresidencyArticleInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "level", "profession", "territory", "time_zone")}),
        ("Présidence", {"fields": ("presidency_article", "presidency_reference_year", "presidency_reference_section")}),
        (
            "Secrétariat",
            {"fields": ("secretariat_organisation", "secretariat_department", "secretariat_contacts", "agents")},
        ),
        ("Historique", {"fields": DATES}),
    )
    readonly_fields = DATES

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            commission_create(obj)  # with its two sections, as the portal's "Nouvelle commission" page does


class SeatInline(admin.TabularInline):
    model = Seat
    fields = ("organisation", "position", "opened_on", "closed_on")
    autocomplete_fields = ("organisation",)
    extra = 0
    show_change_link = True


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "commission", "kind")
    list_filter = ("kind", "commission__level")
    list_select_related = ("commission",)
    search_fields = ("commission__name", "commission__slug")
    readonly_fields = DATES
    inlines = [SeatInline]


def _periods_overlap(first: dict, second: dict) -> bool:
    """Periods [start, end] with an inclusive, possibly open, end share at least one day."""
    return (second["end"] is None or first["start"] <= second["end"]) and (
        first["end"] is None or second["start"] <= first["end"]
    )


class MandateInlineFormSet(BaseInlineFormSet):
    """Each form's Mandate.clean() checks the mandates already saved; this checks the forms against each other,
    so that two new overlapping mandates submitted together are refused rather than saved (or a 500 on PostgreSQL,
    whose exclusion constraint would reject them)."""

    def clean(self):
        super().clean()
        periods = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            if not (data.get("role") and data.get("start")):
                continue
            period = {**data, "end": data.get("end"), "changed": form.has_changed()}
            for other in periods:
                if (
                    (period["changed"] or other["changed"])
                    and other["role"] == period["role"]
                    and _periods_overlap(other, period)
                ):
                    raise ValidationError(
                        f"Deux mandats de {Mandate.Role(period['role']).label.lower()} de ce siège se chevauchent : "
                        f"{other['person'].display_name} et {period['person'].display_name}."
                    )
            periods.append(period)


class MandateInline(admin.TabularInline):
    model = Mandate
    formset = MandateInlineFormSet
    fields = ("role", "person", "start", "end")
    autocomplete_fields = ("person",)
    extra = 0


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("organisation", "section", "position", "opened_on", "closed_on")
    list_filter = ("section__kind", commission_filter("section__commission"))
    list_select_related = ("organisation", "section__commission")
    search_fields = ("organisation__acronym", "organisation__name", "section__commission__name")
    autocomplete_fields = ("section", "organisation")
    readonly_fields = DATES
    inlines = [MandateInline]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ("person", "role", "organisation", "section_kind", "commission", "start", "end")
    list_filter = ("role", "seat__section__kind", commission_filter("seat__section__commission"))
    list_select_related = ("person", "seat__organisation", "seat__section__commission")
    # The newest first, as an index serves them on PostgreSQL, instead of the model's order by
    # commission name, section and seat, which sorted every mandate of the country at each page.
    ordering = ("-start", "-pk")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # A person's name or address, or an organisation: see get_search_results.
    search_fields = (*PERSON_SEARCH, "seat__organisation__acronym", "seat__organisation__name")
    # No date hierarchy: its list of years read every mandate of the country at each page.
    autocomplete_fields = ("seat", "person", "opened_by", "closed_by")
    readonly_fields = DATES
    SEARCH_IDS_AT_MOST = 1000

    def get_search_results(self, request, queryset, search_term):
        """Each word in a person's name or address, or in an organisation's acronym or name: the mandates of the
        matching persons and those of the matching organisations' seats, as a UNION of two index lookups. The
        admin's own search (an OR across the joined tables) scanned every mandate of the country at each search.

        The matching mandates are read first, and the page and its count then take them by primary key: given the
        UNION as a subquery, PostgreSQL expected hundreds of rows from it (an organisation's mandates) and joined
        it to every mandate of the country, twice (the count, the page). A word matching more than
        `SEARCH_IDS_AT_MOST` mandates (a common first name) keeps the subquery."""
        words = [
            unescape_string_literal(word) if word[:1] in "\"'" and len(word) > 1 and word[0] == word[-1] else word
            for word in smart_split(search_term)
        ]
        words = [word for word in words if word.strip()]
        if not words:
            return queryset, False
        for word in words:
            persons = Person.objects.filter(
                Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(email__icontains=word)
            )
            organisations = Organisation.objects.filter(Q(acronym__icontains=word) | Q(name__icontains=word))
            matching = (
                Mandate.objects.filter(person__in=persons.order_by().values("pk"))
                .order_by()
                .values("pk")
                .union(
                    Mandate.objects.filter(seat__organisation__in=organisations.order_by().values("pk"))
                    .order_by()
                    .values("pk")
                )
            )
            ids = list(matching.values_list("pk", flat=True)[: self.SEARCH_IDS_AT_MOST + 1])
            queryset = queryset.filter(pk__in=ids if len(ids) <= self.SEARCH_IDS_AT_MOST else matching)
        return queryset, False

    @admin.display(description="organisation", ordering="seat__organisation__acronym")
    def organisation(self, mandate: Mandate):
        return mandate.seat.organisation

    @admin.display(description="section", ordering="seat__section__kind")
    def section_kind(self, mandate: Mandate) -> str:
        return mandate.seat.section.get_kind_display()

    @admin.display(description="commission", ordering="seat__section__commission__name")
    def commission(self, mandate: Mandate):
        return mandate.seat.section.commission


@admin.register(SectionPresidency)
class SectionPresidencyAdmin(admin.ModelAdmin):
    list_display = ("person", "section", "start", "end")
    list_filter = ("section__kind", commission_filter("section__commission"))
    list_select_related = ("person", "section__commission")
    search_fields = (*PERSON_SEARCH, "section__commission__name")
    date_hierarchy = "start"
    autocomplete_fields = ("section", "person")


@admin.register(PresidencyDesignation)
class PresidencyDesignationAdmin(admin.ModelAdmin):
    list_display = ("commission", "year", "president", "president_section", "vice_president", "designated_on")
    list_filter = (commission_filter("commission"), "president_section")
    list_select_related = ("commission", "president", "vice_president")
    search_fields = ("commission__name", "president__last_name", "vice_president__last_name", "note")
    autocomplete_fields = ("president", "vice_president")


@admin.register(CompositionChange)
class CompositionChangeAdmin(admin.ModelAdmin):
    list_display = ("description", "commission", "effective_on", "approved_on", "created_by")
    list_filter = (commission_filter("commission"),)
    list_select_related = ("commission", "created_by")
    search_fields = ("description", "commission__name")
    date_hierarchy = "effective_on"
    readonly_fields = ("created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReaderScopeForm(forms.ModelForm):
    class Meta:
        model = ReaderScope
        fields = ("user", "service", "commissions", "level", "territory", "start", "end")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("commissions") and not cleaned.get("level"):
            raise ValidationError("Indiquez les commissions lues : nommément, ou par leur niveau (et leur territoire).")
        return cleaned


@admin.register(ReaderScope)
class ReaderScopeAdmin(admin.ModelAdmin):
    """The role "lecteur": a service's account reads these commissions (pages and API), changes nothing."""

    form = ReaderScopeForm
    list_display = ("service", "user", "level", "territory", "start", "end")
    list_filter = ("level", commission_filter("commissions"))
    list_select_related = ("user",)
    search_fields = ("service", "user__username", "user__email", "territory")
    autocomplete_fields = ("user", "commissions")
