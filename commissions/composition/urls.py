"""URLs of the composition room: the commission list, the commission page and its forms, the composition import
and export, invitations. Gathered by commissions/urls.py inside the "commissions" namespace."""

from django.urls import path

from .views import commission, people, transfer

urlpatterns = [
    path("", commission.commission_list, name="list"),
    # Before the commission pages: "nouvelle-commission" is kept from commission identifiers (forms.RESERVED_SLUGS).
    path("nouvelle-commission/", commission.commission_create, name="commission_create"),
    path("<slug:slug>/", commission.commission_detail, name="detail"),
    path("<slug:slug>/mandats/ajouter/", commission.mandate_add, name="mandate_add"),
    path("<slug:slug>/mandats/<int:mandate_id>/terminer/", commission.mandate_end, name="mandate_end"),
    path("<slug:slug>/sieges/ajouter/", commission.seat_add, name="seat_add"),
    path("<slug:slug>/presidents-de-section/ajouter/", commission.section_president_set, name="section_president_set"),
    path("<slug:slug>/designations/ajouter/", commission.designation_record, name="designation_record"),
    path(
        "<slug:slug>/designations/<int:designation_id>/supprimer/",
        commission.designation_delete,
        name="designation_delete",
    ),
    path("<slug:slug>/composition/importer/", transfer.composition_import, name="composition_import"),
    path(
        "<slug:slug>/composition/importer/confirmer/",
        transfer.composition_import_confirm,
        name="composition_import_confirm",
    ),
    path("<slug:slug>/composition/exporter/", transfer.composition_export, name="composition_export"),
    path("<slug:slug>/personnes/<int:person_id>/inviter/", people.person_invite_view, name="person_invite"),
    path("<slug:slug>/membres/inviter/", people.members_invite_view, name="members_invite"),
]
