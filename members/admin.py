from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from portal.admin_paging import EstimatedCountPaginator

from .models import Organisation, OrganisationAlias, Person
from .services import person_invite


class OrganisationAliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("acronym", "name", "aliases__name")
    readonly_fields = ("created_at", "updated_at")
    inlines = [OrganisationAliasInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "civility", "email", "phone", "user")
    list_select_related = ("user",)
    # The model's order with the primary key last, as an index holds it (decisions' migration 0010; the admin would
    # add a descending primary key that no index serves); searched by trigram indexes on PostgreSQL (the same one).
    ordering = ("last_name", "first_name", "pk")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_fields = ("last_name", "first_name", "email")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
    actions = ["invite"]

    @admin.action(description="Envoyer une invitation aux personnes sélectionnées")
    def invite(self, request, queryset):
        for person in queryset:
            try:
                person_invite(person=person, invited_by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"Invitation envoyée à {person.display_name} ({person.email}).")
