"""The commissions app's models, gathered from its two rooms so that Django finds them under the app label
"commissions". The rooms import each other's modules directly, never this one."""

from commissions.composition.models import *  # noqa: F403
from commissions.meetings.models import *  # noqa: F403
