"""The transit slip's Code 128 barcodes decode back to the copy's barcode and the request's code.

No decoder package is installed, so the bars are read here: the SVG's rects (x, width in modules) become a
run of bar and space widths, decoded with the Code 128 symbol table of the standard (ISO/IEC 15417) and the
mod-103 check character verified. The table is typed from the standard, not taken from python-barcode, so the
test does not check the drawing against itself.
"""

import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

# Bar/space widths of symbol values 0..105, then the stop pattern (ISO/IEC 15417, table 1).
WIDTHS = """
212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 113222
123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 212123 212321
232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121
313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224
111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111 241112 134111
111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113
114311 411113 411311 113141 114131 311141 411131 211412 211214 211232
""".split()
STOP = "2331112"
VALUE_OF = {widths: value for value, widths in enumerate(WIDTHS)}
START_A, START_B, START_C = 103, 104, 105
SHIFT, CODE_C, CODE_B, CODE_A = 98, 99, 100, 101


def test_the_symbol_table_is_well_formed():
    assert len(WIDTHS) == 106 == len(VALUE_OF)
    assert all(sum(map(int, w)) == 11 for w in WIDTHS) and sum(map(int, STOP)) == 13


def runs_from_svg(svg: str) -> str:
    """The widths of alternating bars and spaces between the quiet zones, e.g. '211214...2331112'."""
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    bars = sorted((int(r.get("x")), int(r.get("width"))) for r in root.findall("svg:g/svg:rect", ns))
    runs = []
    for (x, width), following in zip(bars, bars[1:] + [None], strict=True):
        runs.append(width)
        if following is not None:
            runs.append(following[0] - x - width)  # the space up to the next bar
    assert all(1 <= w <= 4 for w in runs), runs
    return "".join(map(str, runs))


def decode_code128(runs: str) -> str:
    assert runs.endswith(STOP), "no stop pattern"
    body = runs[: -len(STOP)]
    assert len(body) % 6 == 0
    values = [VALUE_OF[body[i : i + 6]] for i in range(0, len(body), 6)]
    start, *data, check = values
    assert start in (START_A, START_B, START_C)
    assert (start + sum(n * v for n, v in enumerate(data, 1))) % 103 == check, "check character is wrong"

    def char(value, charset):
        if charset == "A":
            return chr(value + 32) if value < 64 else chr(value - 64)
        return chr(value + 32)

    charset = {START_A: "A", START_B: "B", START_C: "C"}[start]
    text, shifted = [], False
    for value in data:
        if charset == "C":
            if value < 100:
                text.append(f"{value:02d}")
            elif value in (CODE_A, CODE_B):
                charset = "A" if value == CODE_A else "B"
            continue
        if value == SHIFT:
            shifted = True
            continue
        if value == CODE_C or (value == CODE_A and charset == "B") or (value == CODE_B and charset == "A"):
            charset = {CODE_C: "C", CODE_A: "A", CODE_B: "B"}[value]
            continue
        assert value < 96, f"function character {value} in the data"
        text.append(char(value, ("B" if charset == "A" else "A") if shifted else charset))
        shifted = False
    return "".join(text)


@pytest.fixture
def shipped(ship_a_book):
    # Digits and letters mixed: python-barcode switches between sets B and C inside the symbol.
    return ship_a_book(barcode="SMAN2-00012345-b")


def test_the_slip_barcodes_decode_to_the_copy_and_the_request(page, shipped):
    request = shipped
    login(page, "hendra")
    page.goto(f"/ill/requests/{request.pk}/")
    page.get_by_role("link", name="Cetak slip pengiriman").click()
    slip = page.get_by_test_id("slip")
    expect(slip).to_have_count(1)
    figures = slip.locator("figure.barcode")
    expect(figures).to_have_count(2)

    decoded = {}
    for n in range(2):
        figure = figures.nth(n)
        svg = figure.locator("svg.barcode-svg")
        assert svg.bounding_box()["width"] > 100  # drawn, not collapsed
        text = decode_code128(runs_from_svg(svg.evaluate("el => el.outerHTML")))
        decoded[figure.locator(".barcode-label").inner_text()] = text
        # What is printed under the bars is what they say.
        assert figure.locator(".barcode-text").inner_text() == text
    assert decoded == {"Barkode eksemplar": "SMAN2-00012345-b", "Kode permintaan": f"ILL-{request.pk}"}
