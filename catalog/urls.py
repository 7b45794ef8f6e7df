"""Catalog pages. Two URL modules: discovery (search, records, browse) and management (holdings, import, dedup)."""

from . import urls_discovery, urls_manage

app_name = "catalog"

urlpatterns = urls_discovery.urlpatterns + urls_manage.urlpatterns
