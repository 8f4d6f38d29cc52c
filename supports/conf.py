"""Settings of the PDF supports, each with a default (override them in portal/settings.py if needed).

- SUPPORTS_CNIL_TEXT: the CNIL notice used when no content block titled "CNIL" exists (see context.cnil_notice).
- SUPPORTS_TABLE_MAX_ROWS: a statistics table longer than this shows its first rows and its totals,
  the full table going into an XLSX annex embedded in the PDF.
- SUPPORTS_IMAGE_MAX_BYTES / SUPPORTS_IMAGE_MAX_PIXELS: limits of an image read by the PDF renderer.
- SUPPORTS_MEDIA_PREFIXES: the storage folders (besides the meeting's own "agenda/<id>/") whose
  images may appear in a support.
- SUPPORTS_RENDER_TIME_LIMIT: seconds after which the rendering task is killed (and a claim may be retaken).
"""

from django.conf import settings

DEFAULT_CNIL_TEXT = (
    "<p>Conformément aux délibérations de la Commission Nationale de l'Informatique et des Libertés (*), "
    "il est porté à la connaissance des membres de la Commission que dans le cadre de l'exploitation des "
    "thèmes 24 à 38, l'Assurance Maladie (services administratifs et médicaux) est susceptible de réaliser "
    "des requêtes informatiques et des études statistiques portant sur les prestations réglées à un praticien, "
    "auxiliaire médical, tiers, assuré ou établissement de santé.</p>"
    "<p>(*) délibération n°88-31 du 22 mars 1988<br>délibération n°89-117 du 24 octobre 1989<br>"
    "délibération n°95-081 du 20 juin 1995<br>délibération n°96-002 du 16 janvier 1996<br>"
    "délibération n°2014-432 du 23 octobre 2014</p>"
)


def get(name: str):
    defaults = {
        "SUPPORTS_CNIL_TEXT": DEFAULT_CNIL_TEXT,
        "SUPPORTS_TABLE_MAX_ROWS": 30,
        "SUPPORTS_IMAGE_MAX_BYTES": 5 * 1024 * 1024,
        "SUPPORTS_IMAGE_MAX_PIXELS": 25_000_000,
        "SUPPORTS_MEDIA_PREFIXES": ("contenus/",),
        "SUPPORTS_RENDER_TIME_LIMIT": 300,
    }
    return getattr(settings, name, defaults[name])
