from django.contrib import admin

from .models import SupportRender


@admin.register(SupportRender)
class SupportRenderAdmin(admin.ModelAdmin):
    list_display = ["meeting", "kind", "version", "status", "page_count", "render_seconds", "created_at"]
    list_filter = ["status", "kind", "version"]
    list_select_related = ["meeting__commission"]
    search_fields = ["meeting__commission__name"]
    readonly_fields = [field.name for field in SupportRender._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
