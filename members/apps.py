from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Membres et organisations"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from portal import generations

        from .models import Person

        # The menu of every page reads these (portal.context_processors): the user's name and permissions.
        user_model = get_user_model()
        generations.watch(
            generations.ACCOUNTS,
            user_model,
            Person,
            Group,
            m2m=[user_model.groups.through, user_model.user_permissions.through, Group.permissions.through],
            ignore_fields={"last_login", "password"},
        )
