"""Signals other apps listen to, so the catalog needs to know nothing about them."""

from django.dispatch import Signal

# Sent when an import of a library's file has written its records (not when the file was refused):
# kwargs `library` and `report` (catalog.ingest.ImportReport).
import_finished = Signal()
