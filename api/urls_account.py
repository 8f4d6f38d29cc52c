"""The account page of API tokens (/compte/jetons-api/)."""

from django.urls import path

from . import account

urlpatterns = [
    path("", account.tokens, name="api_tokens"),
    path("<int:token_id>/revoquer/", account.token_revoke, name="api_token_revoke"),
]
