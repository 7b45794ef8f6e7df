"""Protocol endpoints at the site root (/sru, /oai, SLiMS's /ucs.php ...) and the library pages."""

from django.urls import path, re_path

from . import oai, slims_p2p, sru, ucs, views

app_name = "interop"

urlpatterns = [
    path("sru", sru.sru, name="sru"),
    path("oai", oai.oai, name="oai"),
    path("ucs.php", ucs.ucs, name="ucs"),
    path("ucpoll.php", ucs.ucs, name="ucpoll"),
    path("uc-ops.php", ucs.ucs, name="uc_ops"),
    # SLiMS joins its P2P server address and "index.php" with or without a slash in between.
    path("libraries/<slug:code>/slims/", views.ConnectionView.as_view(), name="connection"),
    path("libraries/<slug:code>/slims/nodes/<int:pk>/revoke/", views.NodeRevokeView.as_view(), name="node_revoke"),
    re_path(r"^slims/+(?:index\.php)?$", slims_p2p.index, name="slims_p2p"),
]
