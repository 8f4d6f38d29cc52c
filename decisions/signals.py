"""Signals the decisions app sends for apps above it (the PDF support), which decisions must not import."""

from django.dispatch import Signal

# Sent by `rdd_transmit` inside its transaction, with `rdd`: the PDF support renders the RDD document once
# the transaction commits and records its SHA-256 with `rdd_record_document`.
rdd_transmitted = Signal()
