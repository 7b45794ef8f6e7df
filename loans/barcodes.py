"""Code 128 barcodes drawn as inline SVG for transit slips.

python-barcode computes the symbol (character sets, checksum, bar pattern); this module only draws its bars.
Its own SVGWriter is not used because it writes an XML declaration, a DOCTYPE and `style=` attributes, which
the page's Content-Security-Policy (style-src 'self') would refuse: the white background would turn black.
"""

from itertools import groupby

from barcode import Code128
from barcode.errors import BarcodeError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Blank space on each side, in modules: the standard asks for at least ten.
QUIET_ZONE = 10
BAR_HEIGHT = 50
# On screen and paper one module is 2 CSS px (about 0.5 mm), wide enough for a desk scanner; a long code is
# narrowed by CSS (max-width) and keeps its height, since preserveAspectRatio="none".
MODULE_PX = 2
HEIGHT_PX = 60


def code128_pattern(value: str) -> str:
    """The symbol's modules as '1' (bar) and '0' (space), start to stop, as python-barcode encodes `value`."""
    return Code128(value).build()[0]


def code128_svg(value: str) -> SafeString | None:
    """An <svg> element with the Code 128 bars of `value`, or None if Code 128 cannot encode it.

    Each bar is one <rect>, one unit per module; the viewBox lets CSS set the printed size.
    """
    if not value:
        return None
    try:
        pattern = code128_pattern(value)
    except BarcodeError:
        return None
    rects = []
    x = QUIET_ZONE
    for bit, run in groupby(pattern):
        width = len(list(run))
        if bit == "1":
            rects.append(f'<rect x="{x}" y="0" width="{width}" height="{BAR_HEIGHT}"/>')
        x += width
    total = len(pattern) + 2 * QUIET_ZONE
    # The only outside text, `value`, is escaped.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode-svg" width="{total * MODULE_PX}" '
        f'height="{HEIGHT_PX}" viewBox="0 0 {total} {BAR_HEIGHT}" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(value)}">'
        f'<rect width="{total}" height="{BAR_HEIGHT}" fill="#fff"/><g fill="#000">{"".join(rects)}</g></svg>'
    )
