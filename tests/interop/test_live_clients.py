"""Real clients against the live test server: Debian's yaz-client over SRU (1.2 and 2.0), simple2zoom as a
Z39.50-to-SRU gateway with yaz-client speaking Z39.50, and Sickle harvesting OAI-PMH."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def yaz(commands: list[str], timeout: int = 60) -> str:
    if not shutil.which("yaz-client"):
        pytest.skip("yaz-client is not installed (apt-get install yaz)")
    result = subprocess.run(
        ["yaz-client"], input="\n".join(commands + ["quit"]) + "\n", capture_output=True, text=True, timeout=timeout
    )
    return result.stdout + result.stderr


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_yaz_client_sru_get_shows_marc_with_852(live_server, catalog_records, version):
    output = yaz(
        [
            f"sru get {version}",
            f"open {live_server.url}/sru",
            "querytype cql",
            'find dc.title="laskar pelangi"',
            "show 1",
        ]
    )
    assert "Number of hits: 1" in output, output
    assert "Laskar Pelangi" in output, output
    assert "852" in output and "SMAN1MDN" in output, output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def z3950_gateway(live_server, tmp_path):
    """simple2zoom with the repository's config, its <zurl> pointed at the live server."""
    if not shutil.which("simple2zoom"):
        pytest.skip("simple2zoom is not installed (apt-get install libnet-z3950-simple2zoom-perl)")
    config = (ROOT / "interop/z3950/simple2zoom.xml").read_text()
    assert "http://127.0.0.1:8000/sru" in config
    path = tmp_path / "simple2zoom.xml"
    path.write_text(config.replace("http://127.0.0.1:8000/sru", f"{live_server.url}/sru"))
    port = free_port()
    process = subprocess.Popen(
        ["simple2zoom", "-c", str(path), "--", f"tcp:127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("simple2zoom did not start")
        yield f"tcp:127.0.0.1:{port}/silang"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_z3950_find_by_isbn_through_simple2zoom(z3950_gateway, catalog_records):
    output = yaz([f"open {z3950_gateway}", "format usmarc", "find @attr 1=7 9789793062792", "show 1"])
    assert "Number of hits: 1" in output, output
    assert "Laskar Pelangi" in output, output
    assert "852" in output and "SMAN1MDN" in output, output


def test_z3950_title_and_author_searches(z3950_gateway, catalog_records):
    output = yaz([f"open {z3950_gateway}", 'find @attr 1=4 "sejarah indonesia"', "find @attr 1=1003 hirata"])
    assert output.count("Number of hits: 1") == 2, output


def test_sickle_harvests_a_library_set_through_tokens_and_from(live_server, catalog_records, settings):
    import datetime as dt

    from django.utils import timezone
    from sickle import Sickle

    from catalog.models import Holding, Record

    settings.INTEROP_OAI_PAGE_SIZE = 3
    sickle = Sickle(f"{live_server.url}/oai", max_retries=0, timeout=30)
    records = list(sickle.ListRecords(metadataPrefix="marc21", set="library:SMAN1MDN"))
    assert len(records) == 8
    assert len({r.header.identifier for r in records}) == 8
    assert all("852" in r.raw for r in records)
    # Incremental: only what changed since the last harvest.
    Record.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    Holding.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = Holding.objects.filter(library__code="SMAN1MDN").order_by("pk")[:4]
    for holding in changed:
        holding.shelf_location = "Rak baru"
        holding.save()
    again = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="library:SMAN1MDN", **{"from": since}))
    assert sorted(h.identifier for h in again) == sorted(f"oai:silang.local:{h.record_id}" for h in changed)
