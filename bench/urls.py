"""The portal's URLconf plus the benchmark's reference page (bench.settings only, never in production)."""

from django.urls import path

from bench.views import reference
from portal import urls as portal_urls

urlpatterns = [*portal_urls.urlpatterns, path("banc/reference/", reference, name="bench_reference")]

handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
