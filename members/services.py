"""Accounts of persons: one function per business rule (HackSoft style, keyword-only)."""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Person
from .tasks import send_invitation

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def person_invite(*, person: Person, invited_by: "User | None") -> "User":
    """Give a person an account (created if needed) and e-mail them a one-time link to choose a password.

    The e-mail is queued once the transaction commits. A person who already chose
    a password is refused: they log in, or use "Mot de passe oublié ?".
    """
    User = get_user_model()
    with transaction.atomic():
        # Lock the person so that two simultaneous invitations create one account, not two.
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.email:
            raise ValidationError(
                {
                    "email": f"{person.display_name} n'a pas d'adresse e-mail : renseignez le champ « e-mail » avant "
                    "de l'inviter."
                }
            )
        user = person.user
        if user is None:
            username = person.email.lower()
            if User.objects.filter(username__iexact=username).exists():
                raise ValidationError(
                    f"Un compte « {username} » existe déjà sans être rattaché à {person.display_name} : "
                    "rattachez-le à la personne dans l'administration."
                )
            user = User(username=username, email=person.email, first_name=person.first_name, last_name=person.last_name)
            user.set_unusable_password()
            user.full_clean()
            user.save()
            person.user = user
            person.save(update_fields=["user"])
        elif not user.is_active:
            raise ValidationError(
                f"Le compte de {person.display_name} est désactivé : réactivez-le dans l'administration avant "
                "de l'inviter."
            )
        elif user.has_usable_password():
            raise ValidationError(
                f"{person.display_name} a déjà un compte actif (identifiant « {user.get_username()} ») : "
                "la personne peut se connecter ou utiliser « Mot de passe oublié ? »."
            )
        elif user.email.lower() != person.email.lower():
            # The link goes to the person's address; a reset e-mail later goes to the account's: keep them one.
            user.email = User.objects.normalize_email(person.email)
            user.save(update_fields=["email"])

        person_id, invited_by_id = person.pk, getattr(invited_by, "pk", None)
        transaction.on_commit(lambda: send_invitation.delay(person_id, invited_by_id=invited_by_id))
    return user
