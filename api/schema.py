"""What the OpenAPI schema says of the token authentication (loaded by ApiConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton personnel créé sur la page « Jetons d'API » du compte : Authorization: Bearer cpt_…",
        }


ERROR = {
    "type": "object",
    "description": "Un message en français : `detail`, ou la liste des erreurs par paramètre.",
    "additionalProperties": True,
}


def error_responses(result, generator, request, public):
    """Every operation documents the answers the API gives besides 200: 401 (no or bad token), 404 (an object of
    a commission the caller does not see, or a page past the end), 400 (a filter that cannot be read), 429
    (throttled), 304 (If-None-Match on an unchanged answer)."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            answers = {
                "304": "Inchangé depuis l'ETag envoyé dans If-None-Match.",
                "401": "Authentification absente ou invalide.",
                "404": "Introuvable : objet d'une commission que le compte ne voit pas, ou page inexistante.",
                "429": "Trop de requêtes : réessayez plus tard.",
            }
            if operation.get("parameters"):
                answers["400"] = "Paramètre illisible (date, instant, numéro)."
            for code, description in answers.items():
                if code == "304" and "schema" in path:
                    continue
                content = {} if code == "304" else {"content": {"application/json": {"schema": ERROR}}}
                responses.setdefault(code, {"description": description, **content})
    return result
