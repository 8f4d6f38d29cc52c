"""The portal's URLs plus a view that fails, to see the server error page (tests only)."""

from django.urls import path

from portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("database on fire")


urlpatterns = [*urlpatterns, path("panne/", broken)]
