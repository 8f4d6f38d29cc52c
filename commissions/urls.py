"""The commissions app's URLs, gathered from its two rooms in one "commissions" namespace (URL names unchanged)."""

from django.urls import include, path

from commissions.composition.urls import urlpatterns as composition_urlpatterns

app_name = "commissions"

urlpatterns = [
    *composition_urlpatterns,
    path("<slug:slug>/seances/", include("commissions.meetings.urls")),
]
