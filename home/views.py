"""The home page by role and the search: thin views over home.selectors and home.search.

Neither page is keyed by a commission: both read the user's commissions through
`commissions.composition.access.roles_by_commission`, so nothing of another commission is ever listed.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import home_for


@login_required
@require_GET
def home(request):
    """What is due for the user, one part per role (secretariat, section president, member)."""
    return render(request, "home/home.html", {"home": home_for(request.user), "nav": "home"})
