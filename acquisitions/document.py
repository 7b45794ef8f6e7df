"""The letter of thanks to a donor, as PDF: fpdf2 with the DejaVu font bundled for agreements (same approach as
agreements.document). Rendered in the active language; the view switches to Indonesian or English."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agreements.document import FONTS

from .choices import DonationKind
from .models import Donor


def _money(value) -> str:
    return f"Rp{int(value):,}".replace(",", ".")


def letter_paragraphs(donor: Donor) -> dict:
    """The letter's parts, shared by the PDF and tests."""
    donations = list(donor.donations.prefetch_related("items"))
    gifts = []
    for donation in donations:
        when = formats.date_format(donation.received_on, "j F Y")
        if donation.kind == DonationKind.MONEY:
            gifts.append(_("%(amount)s on %(date)s") % {"amount": _money(donation.amount), "date": when})
        titles = [item.title for item in donation.items.all()]
        if titles:
            gifts.append(
                _("%(n)s book(s) on %(date)s: %(titles)s")
                % {"n": len(titles), "date": when, "titles": "; ".join(titles)}
            )
        elif donation.kind == DonationKind.ITEMS and donation.description:
            gifts.append(f"{donation.description} ({when})")
    library = donor.library
    return {
        "place_date": f"{library.city}, {formats.date_format(timezone.localdate(), 'j F Y')}",
        "salutation": _("Dear %(name)s,") % {"name": donor.name},
        "opening": _(
            "On behalf of the library of %(school)s we thank you sincerely for your generous gift to our library:"
        )
        % {"school": library.name},
        "gifts": gifts,
        "closing": _(
            "Your gift will be used by our students and shared with the schools of our library network. "
            "We are grateful for your support of reading and learning."
        ),
        "regards": _("With gratitude,"),
        "signer": library.head_librarian or _("Head of the library"),
        "school": library.name,
    }


def thank_you_pdf(donor: Donor) -> bytes:
    from fpdf import FPDF

    parts = letter_paragraphs(donor)
    library = donor.library
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Letter of thanks"))
    pdf.add_page()
    width = pdf.epw

    def para(text, size=10.5, style="", align="L", gap=2.0):
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, 5.5, str(text), align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(_("Library of %(school)s") % {"school": library.name}, 13, "B", "C", 0)
    para(", ".join(part for part in (library.address, library.city, library.province) if part), 9, "", "C", 0)
    para(" · ".join(part for part in (library.phone, library.email) if part), 9, "", "C", 6)
    para(parts["place_date"], align="R", gap=4)
    para(_("LETTER OF THANKS"), 12, "B", "C", 4)
    para(parts["salutation"])
    para(parts["opening"], align="J")
    for gift in parts["gifts"]:
        para(f"•  {gift}", gap=1)
    pdf.ln(2)
    para(parts["closing"], align="J", gap=8)
    para(parts["regards"], gap=16)
    para(parts["signer"], style="B", gap=0)
    para(parts["school"])
    return bytes(pdf.output())
