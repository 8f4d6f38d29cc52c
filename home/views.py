"""The home page by role and the search: thin views over home.selectors and home.search.

Neither page is keyed by a commission: both read the user's commissions through
`commissions.composition.access.roles_by_commission`, so nothing of another commission is ever listed.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .search import QUERY_MAX_LENGTH, Kind
from .search import search as search_for
from .selectors import home_for

RESULTS_PER_PAGE = 20


@login_required
@require_GET
def home(request):
    """What is due for the user, one part per role (secretariat, section president, member)."""
    return render(request, "home/home.html", {"home": home_for(request.user), "nav": "home"})


@login_required
@require_GET
def search(request):
    """One box for persons, meetings, decisions, commitments and questions of the user's commissions."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    kind = request.GET.get("type", "")
    kind = kind if kind in Kind.LABELS else ""
    found = search_for(request.user, query) if query else None
    results = found.results if found else []
    if kind:
        results = [result for result in results if result.kind == kind]
    context = {
        "query": query,
        "kind": kind,
        "found": found,
        "kinds": [(name, label, found.counts.get(name, 0) if found else 0) for name, label in Kind.LABELS.items()],
        "page": Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page", "")[:10]),
        "nav": "search",
    }
    return render(request, "home/search.html", context)
