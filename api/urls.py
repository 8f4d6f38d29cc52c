"""/api/v1/: the lists and details (a router), the entry point, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import docs, views

app_name = "api"

router = SimpleRouter()
router.register("bodies", views.BodyViewSet, basename="body")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("sections", views.SectionViewSet, basename="section")
router.register("posts", views.PostViewSet, basename="post")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("persons", views.PersonViewSet, basename="person")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("agendaItems", views.AgendaItemViewSet, basename="agendaitem")
router.register("records", views.RecordViewSet, basename="record")
router.register("files", views.FileViewSet, basename="file")
router.register("tables", views.TableViewSet, basename="table")
router.register("deleted", views.DeletedViewSet, basename="deleted")

urlpatterns = [
    path("", views.SystemView.as_view(), name="system"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.documentation, name="docs"),
    path("", include(router.urls)),
]
