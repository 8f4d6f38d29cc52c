from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"
    verbose_name = "Commissions"

    def ready(self):
        from members.models import Organisation, Person
        from portal import generations

        from .composition.models import (
            Commission,
            CompositionChange,
            Mandate,
            PresidencyArticle,
            PresidencyDesignation,
            ReaderScope,
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
            PresidencyArticle,
            CompositionChange,
            Person,
            Organisation,
            ReaderScope,
            m2m=[Commission.agents.through, Commission.secretariat_contacts.through, ReaderScope.commissions.through],
        )
        # The meeting and RDD pages read these, one commission's at a time (the RDDs' own: decisions.apps).
        from .meetings.models import AgendaAttachment, AgendaItem, Attendance, Meeting, QuorumRule
        from .meetings.selectors import meeting_commission_id

        def of_commission(row):
            return row.commission_id

        def of_meeting(row):
            return meeting_commission_id(row.meeting_id)

        generations.watch(generations.MEETINGS, Meeting, QuorumRule, part=of_commission)
        generations.watch(generations.MEETINGS, AgendaItem, Attendance, part=of_meeting)
        generations.watch(
            generations.MEETINGS,
            AgendaAttachment,
            part=lambda row: (
                AgendaItem.objects.filter(pk=row.item_id).values_list("meeting__commission_id", flat=True).first()
            ),
        )
