"""URLs of the national extracts (national statistician), included under statistiques/."""

from django.urls import path

from . import views

app_name = "statistics_national"

urlpatterns = [
    path("extraits/", views.extract_list, name="extract_list"),
    path("extraits/<int:extract_id>/", views.extract_detail, name="extract_detail"),
    path("extraits/<int:extract_id>/relancer/", views.extract_retry, name="extract_retry"),
]
