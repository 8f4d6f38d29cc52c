"""The account page of API tokens: each user creates (the token shown once), lists and revokes their own."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import add_service_errors

from .models import ApiToken
from .tokens import api_token_create, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(label="Nom du jeton", max_length=100, help_text="Par exemple l'outil qui l'utilisera.")
    days = forms.TypedChoiceField(
        label="Durée de validité",
        coerce=int,
        choices=[(30, "30 jours"), (90, "90 jours"), (180, "180 jours"), (366, "1 an")],
        initial=90,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's tokens; a POST creates one and shows it on this answer only (it is stored hashed)."""
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _, created = api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "created": created, "tokens": rows, "now": timezone.now()})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "Jeton révoqué : il ne donne plus accès à l'API.")
    else:
        messages.info(request, "Ce jeton était déjà révoqué.")
    return redirect("api_tokens")
