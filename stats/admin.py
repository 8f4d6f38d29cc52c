from django.contrib import admin

from .models import AidScheme, CommissionTerritory, NationalExtract, StatTable


@admin.register(StatTable)
class StatTableAdmin(admin.ModelAdmin):
    list_display = ["title", "commission", "kind", "territory", "period_start", "period_end", "created_at"]
    list_filter = ["kind", "commission"]
    search_fields = ["title"]
    raw_id_fields = ["agenda_item", "derived_from", "imported_by"]


@admin.register(CommissionTerritory)
class CommissionTerritoryAdmin(admin.ModelAdmin):
    list_display = ["commission", "code", "label"]
    list_filter = ["commission"]


@admin.register(NationalExtract)
class NationalExtractAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "progress", "rows_total", "created_at"]
    readonly_fields = ["file_hash", "status", "progress", "stage", "rows_total", "periods", "error_report"]


@admin.register(AidScheme)
class AidSchemeAdmin(admin.ModelAdmin):
    list_display = ["year", "sesam_vitale_amount", "scor_amount", "threshold_percent", "specialties"]
