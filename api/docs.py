"""The browsable documentation of the API (Swagger UI from the drf-spectacular-sidecar wheel, no CDN).

Its page and its start script are separate files (SpectacularSwaggerSplitView), so that the portal's policy
(scripts of the portal only, no inline script) holds; Swagger UI sets style attributes on its elements and draws
its icons as data: images, so this page alone allows inline styles.
"""

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

documentation = csp_update({"style-src": ["'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", title="API du portail des commissions paritaires")
)
