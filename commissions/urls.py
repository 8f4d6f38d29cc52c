from django.urls import include, path

from . import views

app_name = "commissions"

urlpatterns = [
    path("", views.commission_list, name="list"),
    path("<slug:slug>/", views.commission_detail, name="detail"),
    path("<slug:slug>/composition/", include("commissions.urls_composition")),
    path("<slug:slug>/personnes/", include("commissions.urls_people")),
    path("<slug:slug>/seances/", include("commissions.urls_meetings")),
]
