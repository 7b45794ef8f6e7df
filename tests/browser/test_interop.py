"""A librarian connects the school's SLiMS: creates the node for SLiMS's UCS settings, saves the OPAC address,
starts a harvest and reads its report once the worker has run it."""

import re
import time

import pytest
from playwright.sync_api import expect

from interop.models import HarvestRun, SlimsNode
from tests.browser.conftest import login
from tests.factories import LibraryFactory, make_librarian
from tests.interop.opac_server import opac_fixture  # noqa: F401 (the opac fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_librarian_registers_slims_node_and_opac_and_reads_the_harvest_report(page, opac, worker):
    school = LibraryFactory(code="SMAN1MDN", name="SMA Negeri 1 Medan", npsn="10210872")
    make_librarian(school, username="rosmawati")
    login(page, "rosmawati")
    page.goto("/libraries/SMAN1MDN/")
    page.get_by_role("link", name="SLiMS dan OPAC").click()
    expect(page).to_have_url(re.compile(r"/libraries/SMAN1MDN/slims/$"))
    page.get_by_label("Nama").fill("OPAC sekolah")
    page.get_by_role("button", name="Buat node SLiMS").click()
    node_id = page.get_by_test_id("node-id").inner_text()
    password = page.get_by_test_id("node-password").inner_text()
    node = SlimsNode.objects.get(node_id=node_id)
    assert node.library == school and node.password_hash == SlimsNode.hash(password)

    page.get_by_label("Perangkat lunak").select_option("slims")
    page.get_by_label("Alamat OPAC").fill(f"{opac}/slims/")
    page.get_by_label("Jadwal panen").select_option("weekly")
    page.get_by_role("button", name="Simpan alamat OPAC").click()
    expect(page.get_by_text("Alamat OPAC disimpan.")).to_be_visible()
    page.get_by_role("button", name="Panen sekarang").click()
    # The background worker (a real one) picks the harvest up; the page shows its state. Its scheduler may have
    # queued the weekly harvest of the new address first: then "Panen sekarang" either joined that run or, if it
    # had already finished, read the OPAC again.
    for _attempt in range(60):
        runs = HarvestRun.objects.all()
        if runs.exists() and not runs.exclude(status="done").exists():
            break
        time.sleep(1)
    page.reload()
    expect(page.get_by_test_id("harvest-status").first).to_have_text("Selesai")
    # The full read; when a second run followed it, that one read only what changed since (the OPAC's `from`
    # list: 2 records, one of them deleted) and sits above it.
    reports = page.get_by_test_id("harvest-report")
    expect(reports.filter(has_text="3 cantuman dibaca").filter(has_text="6 eksemplar ditambahkan")).to_have_count(1)
    expect(page.locator("table").first).to_contain_text(node_id)
