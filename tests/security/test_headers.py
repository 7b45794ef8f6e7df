"""Security headers with DEBUG=0: HSTS when SECURE_COOKIES is on, and a Content-Security-Policy without
inline script that the pages satisfy (templates hold no inline script; Chromium reports no violation)."""

import re
from pathlib import Path

from tests.consortium.test_settings import run_python

ROOT = Path(__file__).resolve().parents[2]

PROBE = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='consortium.settings'; django.setup();"
    "from django.test import Client; from django.test.utils import setup_test_environment; setup_test_environment();"
    "r = Client().get('/accounts/login/', secure=True, HTTP_HOST='silang.example.sch.id');"
    "print(r.status_code); [print(k + '=' + v) for k, v in r.headers.items()]"
)


def _headers(**env) -> dict:
    result = run_python(PROBE, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="silang.example.sch.id", **env)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "200", result.stdout
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def test_debug_off_with_secure_cookies_sends_hsts_and_csp():
    headers = _headers(SECURE_COOKIES="1")
    assert "max-age=" in headers["Strict-Transport-Security"]
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_no_hsts_without_secure_cookies():
    headers = _headers(SECURE_COOKIES="0")
    assert "Strict-Transport-Security" not in headers
    assert "Content-Security-Policy" in headers


def test_templates_hold_no_inline_script_or_style_attribute():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: style attribute")
    assert offenders == []
