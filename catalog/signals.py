"""Cache invalidation only: a changed synonym group is used by the next search."""

from django.db.models.signals import post_delete, post_save

from .models import SearchSynonym
from .search import forget_synonyms

post_save.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="catalog_synonyms_saved")
post_delete.connect(forget_synonyms, sender=SearchSynonym, dispatch_uid="catalog_synonyms_deleted")
