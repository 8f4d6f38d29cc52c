"""`manage.py demo_api_tokens`: a known token per demo account (the README's curl examples), with DEBUG only."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from demo.compositions import ACCOUNTS
from tests.factories import UserFactory


@pytest.fixture
def accounts(db):
    return {username: UserFactory(username=username) for username, *_ in ACCOUNTS}


def test_each_demo_account_gets_its_known_token_again_and_again(accounts, settings, capsys):
    settings.DEBUG = True
    call_command("demo_api_tokens")
    call_command("demo_api_tokens")  # run by every `make demo`: renews, never piles up
    assert "membre         cpt_demo_membre" in capsys.readouterr().out
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer cpt_demo_membre")
    assert client.get("/api/v1/").status_code == 200
    assert accounts["membre"].api_tokens.count() == 1


def test_no_demo_token_outside_the_demo(accounts, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1 requis"):
        call_command("demo_api_tokens")
    assert not accounts["membre"].api_tokens.exists()
