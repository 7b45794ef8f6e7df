"""Holdings, import, export, deduplication."""

urlpatterns: list = []
