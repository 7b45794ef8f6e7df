"""The catalog's signals: one that other apps listen to (so the catalog needs to know nothing about them), and
the cache invalidation of synonyms (a changed synonym group is used by the next search)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from .models import SearchSynonym
from .search import forget_synonyms

# Sent when an import of a library's file has written its records (not when the file was refused):
# kwargs `library` and `report` (catalog.ingest.ImportReport).
import_finished = Signal()

post_save.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="catalog_synonyms_saved")
post_delete.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="catalog_synonyms_deleted")
