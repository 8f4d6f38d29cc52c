from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import Commission, CompositionChange, Mandate, PresidencyDesignation, Seat, Section, SectionPresidency
from .services import sections_ensure

PERSON_SEARCH = ("person__last_name", "person__first_name", "person__email")


class SectionInline(admin.TabularInline):
    """The two sections exist from the commission's creation; here they only lead to their seats."""

    model = Section
    fields = ("kind",)
    readonly_fields = ("kind",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "profession", "territory", "slug")
    list_filter = ("level",)
    search_fields = ("name", "slug", "profession", "territory")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("agents", "secretariat_contacts")
    autocomplete_fields = ("secretariat_organisation",)
    inlines = [SectionInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "level", "profession", "territory", "time_zone")}),
        ("Présidence", {"fields": ("presidency_article", "presidency_reference_year", "presidency_reference_section")}),
        (
            "Secrétariat",
            {"fields": ("secretariat_organisation", "secretariat_department", "secretariat_contacts", "agents")},
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            sections_ensure(obj)


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
    list_filter = ("section__kind", "section__commission")
    list_select_related = ("organisation", "section__commission")
    search_fields = ("organisation__acronym", "organisation__name", "section__commission__name")
    autocomplete_fields = ("section", "organisation")
    inlines = [MandateInline]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ("person", "role", "organisation", "section_kind", "commission", "start", "end")
    list_filter = ("role", "seat__section__kind", "seat__section__commission")
    list_select_related = ("person", "seat__organisation", "seat__section__commission")
    search_fields = (*PERSON_SEARCH, "seat__organisation__acronym", "seat__organisation__name")
    date_hierarchy = "start"
    autocomplete_fields = ("seat", "person", "opened_by", "closed_by")

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
    list_filter = ("section__kind", "section__commission")
    list_select_related = ("person", "section__commission")
    search_fields = (*PERSON_SEARCH, "section__commission__name")
    date_hierarchy = "start"
    autocomplete_fields = ("section", "person")


@admin.register(PresidencyDesignation)
class PresidencyDesignationAdmin(admin.ModelAdmin):
    list_display = ("commission", "year", "president", "president_section", "vice_president", "designated_on")
    list_filter = ("commission", "president_section")
    list_select_related = ("commission", "president", "vice_president")
    search_fields = ("commission__name", "president__last_name", "vice_president__last_name", "note")
    autocomplete_fields = ("president", "vice_president")


@admin.register(CompositionChange)
class CompositionChangeAdmin(admin.ModelAdmin):
    list_display = ("description", "commission", "effective_on", "approved_on", "created_by")
    list_filter = ("commission",)
    list_select_related = ("commission", "created_by")
    search_fields = ("description", "commission__name")
    date_hierarchy = "effective_on"
    readonly_fields = ("created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
