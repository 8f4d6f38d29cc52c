from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"
    verbose_name = "Commissions"

    def ready(self):
        from members.models import Organisation, Person
        from portal import generations

        from .models import (
            Commission,
            CompositionChange,
            Mandate,
            PresidencyDesignation,
            Seat,
            Section,
            SectionPresidency,
        )

        # The commission page and the access decisions read these (portal.generations).
        generations.watch(
            generations.COMPOSITION,
            Commission,
            Section,
            Seat,
            Mandate,
            SectionPresidency,
            PresidencyDesignation,
            CompositionChange,
            Person,
            Organisation,
            m2m=[Commission.agents.through, Commission.secretariat_contacts.through],
        )
