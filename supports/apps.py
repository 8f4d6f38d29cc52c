from django.apps import AppConfig


class SupportsConfig(AppConfig):
    name = "supports"
    verbose_name = "Supports de séance"

    def ready(self) -> None:
        # The RDD document is rendered when the RDD is transmitted; decisions cannot import supports,
        # so it announces the transmission with a signal this app listens to.
        from decisions.management.commands.verify_trails import documents_verify
        from decisions.signals import rdd_transmitted

        from .services import documents_problems_lines, rdd_document_on_transmission

        rdd_transmitted.connect(rdd_document_on_transmission, dispatch_uid="supports.rdd_document")
        # verify_trails also checks the stored RDD documents against their trails.
        documents_verify.connect(documents_problems_lines, dispatch_uid="supports.rdd_documents_verify")
