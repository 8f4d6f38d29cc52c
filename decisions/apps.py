from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Relevés de décisions"

    def ready(self):
        from commissions import selectors_meetings as commissions_selectors
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

        # The RDD and meeting pages of a commission read these (portal.generations, commissions.apps).
        generations.watch(
            generations.MEETINGS,
            Rdd,
            part=lambda rdd: commissions_selectors.meeting_commission_id(rdd.meeting_id),
        )
        generations.watch(
            generations.MEETINGS,
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
            generations.MEETINGS,
            Decision,
            part=lambda decision: (
                ItemRecord.objects.filter(pk=decision.item_record_id)
                .values_list("rdd__meeting__commission_id", flat=True)
                .first()
            ),
        )
