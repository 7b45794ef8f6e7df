"""Protocol endpoints at the site root (/sru, /oai, SLiMS's /ucs.php ...) and the library pages."""

from django.urls import path

from . import oai, sru, ucs

app_name = "interop"

urlpatterns = [
    path("sru", sru.sru, name="sru"),
    path("oai", oai.oai, name="oai"),
    path("ucs.php", ucs.ucs, name="ucs"),
    path("ucpoll.php", ucs.ucs, name="ucpoll"),
    path("uc-ops.php", ucs.ucs, name="uc_ops"),
]
