"""The agreement PDF's layout (agreements.document), drawn without a database."""

import pytest

from agreements.document import SPACE, _draw


def _para(text, size=10.5, style="", align="J", gap=1.5, keep=0):
    return (text, size, style, align, gap, keep)


@pytest.mark.parametrize("filler", range(38, 52))
def test_no_heading_is_left_at_the_foot_of_a_page(filler):
    """Whatever the length of what comes before, an article's number and heading start a page rather than end
    one: they move to the next page with the beginning of their text."""
    from io import BytesIO

    from pypdf import PdfReader

    lines = [_para(f"Paragraf pengisi nomor {n}.") for n in range(filler)]
    for number in range(1, 6):
        lines += [
            _para(f"Pasal {number}", 11, "B", "C", 0, keep=2),
            _para(f"Judul pasal {number}", 11, "B", "C", 1, keep=1),
            _para("Isi pasal yang cukup panjang untuk beberapa baris. " * 8),
            SPACE,
        ]
    pages = PdfReader(BytesIO(_draw("Uji", lines))).pages
    assert len(pages) > 1
    for page in pages[:-1]:
        last = [line for line in page.extract_text().splitlines() if line.strip()][-1]
        assert not last.startswith(("Pasal", "Judul pasal")), (filler, last)
