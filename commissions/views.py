from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Commission


@login_required
def commission_list(request):
    commissions = Commission.objects.visible_to(request.user)
    return render(request, "commissions/list.html", {"commissions": commissions})


@login_required
def commission_detail(request, slug):
    from .access import commission_for

    commission = commission_for(request.user, slug)
    return render(request, "commissions/detail.html", {"commission": commission})
