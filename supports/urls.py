from django.urls import path

from . import views

app_name = "supports"

urlpatterns = [
    path("verifier-un-releve/", views.rdd_verify, name="rdd_verify"),
    path("releve/<str:token>/", views.rdd_document_link, name="rdd_document_link"),
    path("<slug:slug>/seances/<int:meeting_id>/", views.meeting_supports, name="meeting_supports"),
    path("<slug:slug>/seances/<int:meeting_id>/generer/", views.support_generate, name="support_generate"),
    path(
        "<slug:slug>/seances/<int:meeting_id>/<int:render_id>/telecharger/",
        views.support_download,
        name="support_download",
    ),
]
