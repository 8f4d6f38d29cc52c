"""URLs of a commission's statistics, included under commissions/<slug>/statistiques/."""

from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.table_list, name="list"),
    path("importer/", views.table_upload, name="upload"),
    path("depots/<int:pending_id>/", views.pending_preview, name="preview"),
    path("depots/<int:pending_id>/confirmer/", views.pending_confirm, name="confirm"),
    path("depots/<int:pending_id>/abandonner/", views.pending_discard, name="discard"),
    path("depots/<int:pending_id>/relancer/", views.pending_retry, name="retry"),
    path("calculer/", views.table_derive, name="derive"),
    path("aides-teletransmission/", views.aids, name="aids"),
    path("<int:table_id>/", views.table_detail, name="detail"),
    path("<int:table_id>/graphique.svg", views.table_chart, name="chart"),
    path("<int:table_id>/export.<str:file_format>", views.table_export, name="export"),
    path("<int:table_id>/rattacher/", views.table_attach, name="attach"),
    path("<int:table_id>/graphiques/", views.table_charts_choose, name="charts"),
    path("<int:table_id>/supprimer/", views.table_delete, name="delete"),
]
