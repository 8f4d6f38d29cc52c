from django.contrib import admin
from django.urls import include, path

from portal.health import PortalHealthView

urlpatterns = [
    path("", include("home.urls")),  # the home page by role ("/") and the search ("/recherche/")
    path("compte/", include("members.urls")),
    path("compte/jetons-api/", include("api.urls_account")),  # the user's API tokens (api/)
    path("commissions/", include("commissions.urls")),
    path("commissions/<slug:slug>/statistiques/", include("stats.urls")),
    path("statistiques/", include("stats.urls_national")),
    path("rdd/", include("decisions.urls")),
    path("supports/", include("supports.urls")),
    path("media/", include("commissions.meetings.media_urls")),  # MEDIA_URL: the rich text's images, access-checked
    path("admin/", admin.site.urls),
    path("sante/", PortalHealthView.as_view(), name="health"),
    path("api/v1/", include("api.urls")),  # the read-only JSON API (api/)
]

# Denied accesses are logged; a server error page shows an incident id that is also in the log.
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
