"""The convention's article on the presidency is dated: the one in force on a meeting's date is cited."""

import datetime

import pytest
from django.db import IntegrityError

from commissions.composition.models import PresidencyArticle
from commissions.composition.presidency import presidency_article_on
from tests.factories import CommissionFactory

D = datetime.date


@pytest.fixture
def renumbered(db):
    """Article 49 until 2024, 48 from 2025 (the PACA–Corse CPR in 000 and 001); the field says 50."""
    commission = CommissionFactory(slug="renumbered", presidency_article="article 50 paragraphe 1")
    PresidencyArticle.objects.create(commission=commission, start=D(2020, 1, 1), article="article 49 paragraphe 1")
    PresidencyArticle.objects.create(commission=commission, start=D(2025, 1, 1), article="article 48 paragraphe 1")
    return commission


def test_the_article_in_force_on_the_day_is_the_latest_started(renumbered):
    assert presidency_article_on(renumbered, D(2024, 1, 25)) == "article 49 paragraphe 1"
    assert presidency_article_on(renumbered, D(2024, 12, 31)) == "article 49 paragraphe 1"
    assert presidency_article_on(renumbered, D(2025, 1, 1)) == "article 48 paragraphe 1"
    assert presidency_article_on(renumbered, D(2025, 2, 26)) == "article 48 paragraphe 1"


def test_before_any_dated_article_the_commission_s_own_is_cited(renumbered):
    assert presidency_article_on(renumbered, D(2019, 6, 1)) == "article 50 paragraphe 1"


def test_a_commission_without_dated_article_cites_its_own(db):
    commission = CommissionFactory(slug="plain", presidency_article="article 48 paragraphe 1")
    assert presidency_article_on(commission, D(2024, 1, 1)) == "article 48 paragraphe 1"


def test_two_articles_cannot_start_the_same_day(renumbered):
    with pytest.raises(IntegrityError):
        PresidencyArticle.objects.create(commission=renumbered, start=D(2025, 1, 1), article="article 47")
