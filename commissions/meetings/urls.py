# URL patterns are included from commissions/urls.py under the commission's slug,
# inside the "commissions" namespace; every view takes `slug` first.
from django.urls import path

from commissions.meetings.views import images as views_images
from commissions.meetings.views import meetings as views

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("nouvelle/", views.meeting_create, name="meeting_create"),
    path("<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("<int:meeting_id>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("<int:meeting_id>/convocation/", views.meeting_convene, name="meeting_convene"),
    path("<int:meeting_id>/annuler/", views.meeting_call_off, {"action": "cancel"}, name="meeting_cancel"),
    path("<int:meeting_id>/reporter/", views.meeting_call_off, {"action": "postpone"}, name="meeting_postpone"),
    path(
        "<int:meeting_id>/presences.<str:extension>",
        views.meeting_attendance_export,
        name="meeting_attendance_export",
    ),
    path("regles-de-quorum/", views.quorum_rules, name="quorum_rules"),
    path("<int:meeting_id>/presences/", views.meeting_attendance, name="meeting_attendance"),
    path("<int:meeting_id>/ordre-du-jour/ajouter/", views.agenda_item_add, name="agenda_item_add"),
    path("<int:meeting_id>/ordre-du-jour/<int:item_id>/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<int:meeting_id>/ordre-du-jour/<int:item_id>/deplacer/", views.agenda_item_move, name="agenda_item_move"),
    path("<int:meeting_id>/ordre-du-jour/<int:item_id>/placer/", views.agenda_item_place, name="agenda_item_place"),
    path(
        "<int:meeting_id>/ordre-du-jour/<int:item_id>/supprimer/", views.agenda_item_delete, name="agenda_item_delete"
    ),
    path(
        "<int:meeting_id>/ordre-du-jour/<int:item_id>/inserer-bloc/",
        views.agenda_item_insert_block,
        name="agenda_item_insert_block",
    ),
    path(
        "<int:meeting_id>/ordre-du-jour/<int:item_id>/pieces-jointes/",
        views.agenda_attachment_add,
        name="agenda_attachment_add",
    ),
    path(
        "<int:meeting_id>/pieces-jointes/<int:attachment_id>/",
        views.agenda_attachment_download,
        name="agenda_attachment_download",
    ),
    path(
        "<int:meeting_id>/pieces-jointes/<int:attachment_id>/supprimer/",
        views.agenda_attachment_delete,
        name="agenda_attachment_delete",
    ),
    path("<int:meeting_id>/images/", views_images.agenda_image_upload, name="agenda_image_upload"),
    path("bibliotheque/", views.agenda_block_list, name="agenda_block_list"),
    path("bibliotheque/images/", views_images.content_image_upload, name="content_image_upload"),
    path("bibliotheque/<int:block_id>/", views.agenda_block_edit, name="agenda_block_edit"),
    path("calendrier/", views.calendar_token, name="calendar_token"),
    path("calendrier/nouveau/", views.calendar_token_create, name="calendar_token_create"),
    path("calendrier/revoquer/", views.calendar_token_revoke, name="calendar_token_revoke"),
    path("calendrier/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
