# URL patterns are included from commissions/urls.py under the commission's slug,
# inside the "commissions" namespace; every view takes `slug` first.
from django.urls import path

from . import views_people

urlpatterns = [
    path("<int:person_id>/inviter/", views_people.person_invite_view, name="person_invite"),
]
