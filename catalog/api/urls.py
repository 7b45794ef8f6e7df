"""Catalog API: /api/v1/records/, /api/v1/holdings/ (urls_manage) and /api/v1/search/ (urls_discovery)."""

from . import urls_discovery, urls_manage

urlpatterns = urls_manage.urlpatterns + urls_discovery.urlpatterns
