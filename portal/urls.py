from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Portail des commissions paritaires — administration"
admin.site.site_title = "Administration du portail"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="commissions:list", permanent=False)),
    path("compte/", include("members.urls")),
    path("commissions/", include("commissions.urls")),
    path("commissions/<slug:slug>/statistiques/", include("stats.urls")),
    path("statistiques/", include("stats.urls_national")),
    path("rdd/", include("decisions.urls")),
    path("supports/", include("supports.urls")),
    path("admin/", admin.site.urls),
]
