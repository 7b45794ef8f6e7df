"""/api/v1/search/: the catalog search of the page, as JSON."""

from django.urls import path

from . import search

urlpatterns: list = [
    path("search/", search.SearchApiView.as_view(), name="search"),
]
