from django.urls import include, path

from . import views

app_name = "commissions"

urlpatterns = [
    path("", views.commission_list, name="list"),
    path("<slug:slug>/", views.commission_detail, name="detail"),
    path("<slug:slug>/mandats/ajouter/", views.mandate_add, name="mandate_add"),
    path("<slug:slug>/mandats/<int:mandate_id>/terminer/", views.mandate_end, name="mandate_end"),
    path("<slug:slug>/sieges/ajouter/", views.seat_add, name="seat_add"),
    path("<slug:slug>/presidents-de-section/ajouter/", views.section_president_set, name="section_president_set"),
    path("<slug:slug>/designations/ajouter/", views.designation_record, name="designation_record"),
    path(
        "<slug:slug>/designations/<int:designation_id>/supprimer/", views.designation_delete, name="designation_delete"
    ),
    path("<slug:slug>/composition/", include("commissions.urls_composition")),
    path("<slug:slug>/personnes/", include("commissions.urls_people")),
    path("<slug:slug>/seances/", include("commissions.urls_meetings")),
]
