from django.apps import AppConfig


class SupportsConfig(AppConfig):
    name = "supports"
    verbose_name = "Supports de séance"

    def ready(self) -> None:
        # The RDD document is rendered when the RDD is transmitted; decisions cannot import supports,
        # so it announces the transmission with a signal this app listens to.
        from decisions.signals import rdd_transmitted

        from .services import rdd_document_on_transmission

        rdd_transmitted.connect(rdd_document_on_transmission, dispatch_uid="supports.rdd_document")
