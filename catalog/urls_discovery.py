"""Search, record page, browse."""

urlpatterns: list = []
