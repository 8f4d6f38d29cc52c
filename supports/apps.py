from django.apps import AppConfig


class SupportsConfig(AppConfig):
    name = "supports"
    verbose_name = "Supports de séance"

    def ready(self) -> None:
        # The RDD document is rendered when the RDD is transmitted; decisions cannot import supports,
        # so it announces the transmission with a signal this app listens to.
        from commissions.meetings.signals import convocation_attachments
        from decisions.management.commands.verify_trails import documents_verify
        from decisions.signals import rdd_transmitted

        from .services import convocation_support_file, documents_problems_lines, rdd_document_on_transmission

        rdd_transmitted.connect(rdd_document_on_transmission, dispatch_uid="supports.rdd_document")
        # verify_trails also checks the stored RDD documents against their trails.
        documents_verify.connect(documents_problems_lines, dispatch_uid="supports.rdd_documents_verify")
        # The convocation carries the current convocation support (commissions cannot import supports).
        convocation_attachments.connect(convocation_support_file, dispatch_uid="supports.convocation_support")
        # A change of a meeting, its agenda or its blocks renders its out-of-date supports again (debounced).
        from django.db.models.signals import post_delete, post_save

        from commissions.meetings.models import AgendaAttachment, AgendaItem, Meeting

        from .refresh import on_meeting_change

        for model in (Meeting, AgendaItem, AgendaAttachment):
            for signal in (post_save, post_delete):
                signal.connect(on_meeting_change, sender=model, dispatch_uid=f"supports.refresh.{model.__name__}")
