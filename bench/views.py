"""The load benchmark's reference page: the least a page of the portal costs on the same set-up.

The same middleware and an authenticated session as every portal page, ten `Person` primary-key gets, a
20-line template (bench/templates/bench/reference.html), no cache. `make bench` measures it in the same run as
the portal's mixed workload and reports the portal's throughput as a ratio of it, a figure that the load of a
shared machine moves far less than requests per second. The locust scenario passes the ten primary keys
(`?ids=…`, drawn from bench/results/targets.json), so that the view reads nothing but them.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members.models import Person

GETS = 10


@require_GET
@login_required
def reference(request):
    try:
        ids = [int(pk) for pk in request.GET["ids"].split(",")]
    except (KeyError, ValueError):
        ids = []
    if len(ids) != GETS:
        return HttpResponseBadRequest(f"ids: {GETS} primary keys of persons, separated by commas")
    persons = [Person.objects.get(pk=pk) for pk in ids]
    return render(request, "bench/reference.html", {"persons": persons})
