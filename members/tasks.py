"""Background work of the members app: e-mails about accounts."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.mail import AutomaticEmail

from .models import Person

logger = logging.getLogger(__name__)


def invitation_link(user) -> str:
    """The absolute one-time link where an invited user chooses a password.

    Django's token hashes the password and last login, so it stops working once
    the password is set (and after PASSWORD_RESET_TIMEOUT).
    """
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.PORTAL_BASE_URL + reverse("invitation_accept", args=[uidb64, token])


@shared_task
def send_invitation(person_id: int, invited_by_id: int | None = None) -> None:
    """E-mail an invited person the link to choose a password.

    Safe to run again: a person who has since chosen a password (or lost the
    account or the address) gets nothing.
    """
    person = Person.objects.select_related("user").filter(pk=person_id).first()
    if person is None or person.user is None or not person.email:
        logger.warning("Invitation not sent: person %s has no account or no e-mail.", person_id)
        return
    user = person.user
    if user.has_usable_password() or not user.is_active:
        logger.info("Invitation not sent: the account of person %s is already in use or inactive.", person_id)
        return
    invited_by = get_user_model().objects.select_related("person").filter(pk=invited_by_id).first()
    context = {
        "person": person,
        "user": user,
        "inviter": _name_of(invited_by) if invited_by else "",
        "link": invitation_link(user),
        "login_url": settings.PORTAL_BASE_URL + reverse("login"),
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    subject = render_to_string("members/invitation_subject.txt", context).strip()
    body = render_to_string("members/invitation_email.txt", context)
    AutomaticEmail(subject, body, to=[person.email]).send()


def _name_of(user) -> str:
    person = getattr(user, "person", None)
    if person is not None:
        return person.display_name
    return user.get_full_name() or user.get_username()
