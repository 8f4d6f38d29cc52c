import pytest
from django.urls import reverse


@pytest.mark.parametrize("who", ["member_user", "reader", "regional_reader"])
def test_members_filter_the_transmitted_rdds_by_commission(client, transmitted, who, request):
    client.force_login(request.getfixturevalue(who))  # a member, or a service's reader of the commission
    url = reverse("decisions:transmitted")

    everything = client.get(url)
    matching = client.get(url, {"q": "paca"})
    nothing = client.get(url, {"q": "Réunion"})

    assert list(everything.context["rdds"]) == [transmitted]
    assert list(matching.context["rdds"]) == [transmitted]
    assert list(nothing.context["rdds"]) == []
    assert "Aucun relevé transmis pour une commission dont le nom contient « Réunion »." in nothing.content.decode()


def test_the_transmitted_rdds_come_by_pages(client, transmitted, member_user, monkeypatch):
    monkeypatch.setattr("decisions.views.TRANSMITTED_PER_PAGE", 1)
    client.force_login(member_user)

    response = client.get(reverse("decisions:transmitted"), {"page": 9})

    assert response.context["rdds"].number == 1  # past the last page: the last one
    assert list(response.context["rdds"]) == [transmitted]
