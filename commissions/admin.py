"""The commissions app's admin, gathered from its two rooms (each module registers its models on import)."""

from commissions.composition import admin as composition_admin  # noqa: F401
from commissions.meetings import admin as meetings_admin  # noqa: F401
