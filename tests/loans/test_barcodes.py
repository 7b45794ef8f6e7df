"""The transit slip's Code 128 SVG: its bars read back as the symbol python-barcode computed."""

import re
import xml.etree.ElementTree as ET

from barcode.charsets import code128

from loans.barcodes import QUIET_ZONE, code128_pattern, code128_svg

SVG = "{http://www.w3.org/2000/svg}"


def modules_of(svg: str) -> str:
    """The bar pattern drawn by the SVG, as '1'/'0' modules, quiet zones stripped."""
    root = ET.fromstring(svg)
    width = int(root.get("viewBox").split()[2])
    modules = ["0"] * width
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("x") is None:  # the white background
            continue
        x, w = int(rect.get("x")), int(rect.get("width"))
        modules[x : x + w] = ["1"] * w
    return "".join(modules)[QUIET_ZONE:-QUIET_ZONE]


def decode(pattern: str) -> str:
    """Read a symbol in code sets B and C: start, data, checksum, stop and its final bar."""
    symbols = [code128.CODES.index(pattern[i : i + 11]) for i in range(0, len(pattern) - 13, 11)]
    assert pattern[-13:] == code128.STOP + "11"
    start, *data, checksum = symbols
    assert checksum == (start + sum(i * value for i, value in enumerate(data, start=1))) % 103
    by_value = {value: char for char, value in code128.B.items()}
    charset = {code128.START_CODES["B"]: "B", code128.START_CODES["C"]: "C"}[start]
    text = ""
    for value in data:
        if charset == "B" and value == 99:
            charset = "C"
        elif charset == "C" and value == 100:
            charset = "B"
        else:
            text += by_value[value] if charset == "B" else f"{value:02d}"
    return text


def test_svg_draws_the_librarys_bars():
    svg = str(code128_svg("ILL-42"))
    assert svg.startswith("<svg") and "<?xml" not in svg and "style=" not in svg
    pattern = code128_pattern("ILL-42")
    assert modules_of(svg) == pattern
    # start, 6 characters and the checksum have 3 bars each; the stop pattern has 4
    assert svg.count("<rect ") - 1 == len(re.findall("1+", pattern)) == 8 * 3 + 4


def test_svg_decodes_back_to_the_value():
    for value in ["ILL-42", "A-1", "SMAN2-0001", "ILL-123456"]:
        assert decode(modules_of(str(code128_svg(value)))) == value


def test_text_is_escaped_and_unencodable_values_have_no_svg():
    assert 'aria-label="A&amp;B&lt;"' in code128_svg("A&B<")
    assert code128_svg("") is None
    assert code128_svg("buku-é") is None
