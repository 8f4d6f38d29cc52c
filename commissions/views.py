from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Commission


@login_required
def commission_list(request):
    commissions = Commission.objects.visible_to(request.user)
    return render(request, "commissions/list.html", {"commissions": commissions})
