"""Certificates of attendance as PDF, made the way agreements render theirs (fpdf2 with the bundled DejaVu font)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agreements.document import FONTS

from .models import Registration


def render_certificate(registration: Registration) -> bytes:
    from fpdf import FPDF

    event = registration.event
    person = registration.user.get_full_name() or registration.user.username
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Certificate of attendance"))
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    width = pdf.epw

    def line(text, size, style="", gap=4.0):
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, size * 0.55, str(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(30)
    line(_("CERTIFICATE OF ATTENDANCE"), 24, "B", 2)
    line(_("Number: %(number)s") % {"number": registration.certificate_number}, 11, "", 10)
    line(_("This certifies that"), 13)
    line(person, 22, "B", 2)
    if registration.library:
        line(registration.library.name, 13, "", 8)
    line(_("attended the %(kind)s") % {"kind": event.get_kind_display().lower()}, 13, "", 2)
    line(event.title, 16, "B", 2)
    starts = timezone.localtime(event.starts_at)
    line(
        _("on %(date)s at %(place)s.") % {"date": formats.date_format(starts, "j F Y"), "place": event.place},
        13,
        "",
        16,
    )
    host = event.organiser.name if event.organiser_id else _("the consortium of school libraries")
    line(_("Organised by %(host)s.") % {"host": host}, 11, "", 2)
    line(_("Issued through Silang, the school library network."), 9)
    return bytes(pdf.output())
