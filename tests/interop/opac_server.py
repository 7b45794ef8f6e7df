"""A local HTTP server answering like a school's SLiMS or INLISLite OPAC, from the recorded responses in fixtures/."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import FIXTURES

HTML = b"<!DOCTYPE html><html><head><title>OPAC</title></head><body>Selamat datang</body></html>"


class OpacHandler(BaseHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):
        pass

    def send(self, body: bytes, content_type="text/xml"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def fixture(self, name):
        self.send((FIXTURES / name).read_bytes())

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append((url.path, q))
        verb = q.get("verb")
        if url.path == "/slims/oai.php":
            if verb == "Identify":
                return self.fixture("slims/identify.xml")
            if q.get("resumptionToken") == "offset=2":
                return self.fixture("slims/list2.xml")
            if "from" in q:
                return self.fixture("slims/list_from.xml")
            return self.fixture("slims/list1.xml")
        if url.path == "/slims/index.php" and q.get("p") == "show_detail":
            return self.fixture(f"slims/detail_{q.get('id')}.xml")
        if url.path == "/inlis/oai":
            if verb == "Identify":
                return self.fixture("inlislite/identify.xml")
            if q.get("resumptionToken"):
                return self.fixture("inlislite/list2.xml")
            return self.fixture("inlislite/list1.xml")
        if url.path.startswith("/html/"):
            return self.send(HTML, "text/html")
        if url.path == "/loop/oai.php":
            if verb == "Identify":
                return self.fixture("slims/identify.xml")
            return self.fixture("slims/list1.xml")  # always hands back the same token
        if url.path == "/slow/oai.php":
            time.sleep(2)
            return self.fixture("slims/identify.xml")
        self.send_error(404)


@pytest.fixture(name="opac")
def opac_fixture():
    OpacHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), OpacHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
