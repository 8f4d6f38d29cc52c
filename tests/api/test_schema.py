"""The OpenAPI schema: served at /api/v1/schema/, valid, and equal to the copy checked in (api/openapi.yaml), so
that a change to the API shows in review. After a deliberate change, write the copy again with
`DJANGO_SETTINGS_MODULE=portal.settings_test .venv/bin/python manage.py spectacular --file api/openapi.yaml`."""

from pathlib import Path

import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema

CHECKED_IN = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"


def test_the_schema_checked_in_is_the_api_s(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert OpenApiYamlRenderer().render(schema, renderer_context={}).decode() == CHECKED_IN.read_text(), (
        "L'API a changé : régénérez api/openapi.yaml (voir la docstring de ce module) et relisez la différence."
    )


def test_the_schema_is_served_and_names_every_list(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    for name in ("bodies", "organizations", "sections", "posts", "memberships", "persons", "meetings"):
        assert f"/api/v1/{name}/" in paths and f"/api/v1/{name}/{{id}}/" in paths
    for name in ("agendaItems", "records", "files", "tables"):
        assert f"/api/v1/{name}/" in paths
    assert "/api/v1/bodies/{id}/presidencies/" in paths
    assert paths["/api/v1/meetings/"]["get"]["security"] == [{"jeton": []}, {"cookieAuth": []}]


def test_the_documentation_page_loads_its_assets_from_the_portal(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page and "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower() and "<script>" not in page
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in client.get("/compte/connexion/")["Content-Security-Policy"]
