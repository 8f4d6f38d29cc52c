from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Relevés de décisions"

    def ready(self):
        from commissions.meetings import selectors as commissions_selectors
        from commissions.meetings.signals import meeting_created

        from .standard_items import session_add_standard_items

        def add_standard_items(sender, meeting, standard_items=False, **kwargs):
            if standard_items:
                session_add_standard_items(meeting=meeting)

        # A new session gets its standard agenda items in the transaction that creates it.
        meeting_created.connect(add_standard_items, dispatch_uid="decisions.session_add_standard_items", weak=False)
        from commissions.meetings.models import Meeting
        from portal import generations

        from .models import (
            Approval,
            Commitment,
            CommitmentUpdate,
            Decision,
            ItemRecord,
            Question,
            Rdd,
            TrailEntry,
            ValidationVote,
        )

        def commission_of_rdd(rdd_id):
            return Rdd.objects.filter(pk=rdd_id).values_list("meeting__commission_id", flat=True).first()

        # The RDD pages of a commission read these (portal.generations; its meetings: commissions.apps).
        generations.watch(
            generations.RDDS,
            Rdd,
            part=lambda rdd: commissions_selectors.meeting_commission_id(rdd.meeting_id),
        )
        generations.watch(
            generations.RDDS,
            ItemRecord,
            Commitment,
            CommitmentUpdate,
            Question,
            Approval,
            TrailEntry,
            ValidationVote,
            part=lambda row: commission_of_rdd(row.rdd_id),
        )
        generations.watch(
            generations.RDDS,
            Decision,
            part=lambda decision: (
                ItemRecord.objects.filter(pk=decision.item_record_id)
                .values_list("rdd__meeting__commission_id", flat=True)
                .first()
            ),
        )
        # The lists across commissions: transmitted RDDs (an RDD's status and dates, its meeting's date) and the
        # presidents' inboxes (with the approvals).
        generations.watch(generations.RDD_LISTS, Rdd, Meeting)
        generations.watch(generations.APPROVALS, Approval)
