from django.urls import path

from . import exports, views

app_name = "decisions"

urlpatterns = [
    path("a-approuver/", views.inbox, name="inbox"),
    path("transmis/", views.transmitted, name="transmitted"),
    path("<slug:slug>/reunions.<str:extension>", exports.meetings_export, name="meetings_export"),
    path("<slug:slug>/engagements.<str:extension>", exports.commitments_export, name="commitments_export"),
    path("<slug:slug>/seances/<int:meeting_id>/", views.meeting_rdd, name="meeting"),
    path("<slug:slug>/seances/<int:meeting_id>/creer/", views.rdd_create, name="create"),
    path("<slug:slug>/seances/<int:meeting_id>/points-habituels/", views.standard_items, name="standard_items"),
    path("<int:rdd_id>/", views.rdd_detail, name="detail"),
    path("<int:rdd_id>/rediger/", views.rdd_edit, name="edit"),
    path("<int:rdd_id>/points/<int:record_id>/", views.item_record_save, name="item_record_save"),
    path("<int:rdd_id>/engagements/ajouter/", views.commitment_add, name="commitment_add"),
    path("<int:rdd_id>/engagements/<int:commitment_id>/", views.commitment_edit, name="commitment_edit"),
    path("<int:rdd_id>/engagements/<int:commitment_id>/supprimer/", views.commitment_delete, name="commitment_delete"),
    path("<int:rdd_id>/engagements/<int:commitment_id>/suivi/", views.commitment_follow, name="commitment_follow"),
    path("<int:rdd_id>/suivis/<int:update_id>/supprimer/", views.follow_up_delete, name="follow_up_delete"),
    path("<int:rdd_id>/questions/ajouter/", views.question_add, name="question_add"),
    path("<int:rdd_id>/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path("<int:rdd_id>/questions/<int:question_id>/supprimer/", views.question_delete, name="question_delete"),
    path("<int:rdd_id>/soumettre/", views.submit, name="submit"),
    path("<int:rdd_id>/approuver/", views.approve, name="approve"),
    path("<int:rdd_id>/renvoyer/", views.send_back, name="send_back"),
    path("<int:rdd_id>/transmettre/", views.transmit, name="transmit"),
    path("<int:rdd_id>/valider/", views.validate, name="validate"),
    path("<int:rdd_id>/nouvelle-version/", views.new_version, name="new_version"),
]
