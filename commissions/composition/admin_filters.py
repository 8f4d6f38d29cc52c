"""The admin's commission filter at national size: a field to type a commission's identifier or part of its name,
instead of a sidebar listing every commission (2,000 links on every changelist: 300 KB pages)."""

from django.contrib import admin
from django.db.models import Q

from .models import Commission

# How many of the matching commissions the filter names under its field.
NAMED_MATCHES = 5


class CommissionFilter(admin.SimpleListFilter):
    """Rows of the commissions whose identifier is the text typed, or whose name contains it (`field_path`: the way
    from the changelist's model to its commission). Made for each changelist by `commission_filter`."""

    title = "commission"
    parameter_name = "commission"
    template = "admin/commission_filter.html"
    field_path = "commission"

    def lookups(self, request, model_admin):
        return ()

    def has_output(self) -> bool:
        return True

    def _commissions(self):
        value = (self.value() or "").strip()[:100]
        return Commission.objects.filter(Q(slug=value) | Q(name__icontains=value)) if value else None

    def queryset(self, request, queryset):
        commissions = self._commissions()
        if commissions is None:
            return queryset
        return queryset.filter(**{f"{self.field_path}__in": commissions.order_by().values("pk")})

    def choices(self, changelist):
        """One choice: the field's value, the other parameters of the page kept as hidden fields, the link that
        clears the filter and, once a text is typed, the first matching commissions (one query)."""
        value = self.value() or ""
        commissions = self._commissions()
        names = list(commissions.values_list("name", flat=True)[: NAMED_MATCHES + 1]) if commissions is not None else []
        yield {
            "value": value,
            "parameter_name": self.parameter_name,
            "hidden": [
                (name, item)
                for name, values in changelist.filter_params.items()
                if name != self.parameter_name
                for item in values
            ],
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
            "names": names[:NAMED_MATCHES],
            "more": len(names) > NAMED_MATCHES,
        }


def commission_filter(field_path: str) -> type[CommissionFilter]:
    """The commission filter of a changelist whose rows reach their commission through `field_path`."""
    return type("CommissionFilter", (CommissionFilter,), {"field_path": field_path})
