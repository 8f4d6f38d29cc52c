# URL patterns are included from commissions/urls.py under the commission's slug,
# inside the "commissions" namespace; every view takes `slug` first.
from django.urls import path

from . import views_composition

urlpatterns = [
    path("importer/", views_composition.composition_import, name="composition_import"),
    path("importer/confirmer/", views_composition.composition_import_confirm, name="composition_import_confirm"),
    path("exporter/", views_composition.composition_export, name="composition_export"),
]
