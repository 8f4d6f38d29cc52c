# Mounted on MEDIA_URL ("/media/") by portal/urls.py: the rich text's images, each read through an
# access check (commissions.meetings.views.images). No other file under MEDIA_URL is served.
from django.urls import path

from commissions.meetings.views import images as views_images

app_name = "media"

urlpatterns = [
    path("agenda/<int:meeting_id>/images/<str:name>", views_images.agenda_image, name="agenda_image"),
    path("contenus/<int:commission_id>/images/<str:name>", views_images.content_image, name="content_image"),
]
