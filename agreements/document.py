"""The agreement as a formal document (perjanjian kerja sama): parties, recitals, numbered articles (Pasal),
signature blocks. One structure feeds both the printable page and the PDF."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.cache import cache
from django.utils import formats, translation
from django.utils.translation import gettext as _

from .choices import Form, PartyRole
from .models import Agreement, Signature

FONTS = Path(__file__).resolve().parent / "fonts"
# A drawn PDF is kept this long after its last drawing; a changed agreement has a new key anyway.
PDF_CACHE_SECONDS = 24 * 3600
# A small gap between articles in layout().
SPACE = ("",)


def _money(value) -> str:
    return f"Rp{int(value):,}".replace(",", ".") if value is not None else ""


def build(agreement: Agreement) -> dict:
    parties = list(agreement.parties.select_related("library"))
    signers = [p for p in parties if p.role in (PartyRole.PARTY, PartyRole.COORDINATOR)]
    witnesses = [p for p in parties if p.role == PartyRole.WITNESS]
    signatures = {
        s.party_id: s
        for s in Signature.objects.filter(agreement=agreement, version=agreement.version).select_related("signed_by")
    }
    forms = ", ".join(str(Form(f).label) for f in agreement.forms)
    articles: list[tuple[str, list[str]]] = []

    def article(heading, *paragraphs):
        text = [p for p in paragraphs if p and str(p).strip()]
        if text:
            articles.append((heading, text))

    article(
        _("Purpose and objectives"),
        agreement.objectives,
        _("Forms of cooperation: %(forms)s.") % {"forms": forms} if forms else "",
    )
    article(
        _("Scope"),
        agreement.scope_collections and _("Collections: %(v)s") % {"v": agreement.scope_collections},
        agreement.scope_material_types and _("Material types: %(v)s") % {"v": agreement.scope_material_types},
        agreement.scope_services and _("Services: %(v)s") % {"v": agreement.scope_services},
        agreement.scope_people and _("Students and staff: %(v)s") % {"v": agreement.scope_people},
    )
    article(_("Relationship between the parties"), agreement.relationship)
    division = [
        f"{item.party}: {item.task} ({Form(item.form).label})"
        for item in agreement.responsibilities.select_related("party__library")
    ]
    article(_("Division of work"), *division)
    rules = []
    if agreement.loan_days:
        rules.append(_("The loan period is %(days)s days.") % {"days": agreement.loan_days})
    if agreement.items_per_student:
        rules.append(_("A student may borrow at most %(n)s items at a time.") % {"n": agreement.items_per_student})
    if agreement.renewals_allowed is not None:
        rules.append(_("A loan may be renewed %(n)s time(s).") % {"n": agreement.renewals_allowed})
    article(_("Rules of service"), *rules)
    article(_("Working methods and equipment"), agreement.methods_equipment)
    article(_("Technology"), agreement.technology)
    costs = [
        agreement.fee_per_loan is not None and _("Fee per loan: %(v)s.") % {"v": _money(agreement.fee_per_loan)},
        agreement.fee_per_page is not None and _("Fee per copied page: %(v)s.") % {"v": _money(agreement.fee_per_page)},
        agreement.shipping_paid_by and _("Shipping: %(v)s") % {"v": agreement.shipping_paid_by},
        agreement.yearly_contribution is not None
        and _("Yearly contribution per member: %(v)s.") % {"v": _money(agreement.yearly_contribution)},
        agreement.cost_sharing and _("Cost sharing: %(v)s") % {"v": agreement.cost_sharing},
        agreement.lost_item_compensation and _("Lost items: %(v)s") % {"v": agreement.lost_item_compensation},
    ]
    article(_("Costs and financing"), *[c for c in costs if c])
    period = []
    if agreement.start_on:
        period.append(
            _("This agreement is in force from %(start)s %(end)s.")
            % {
                "start": formats.date_format(agreement.start_on, "j F Y"),
                "end": (_("until %(date)s") % {"date": formats.date_format(agreement.end_on, "j F Y")})
                if agreement.end_on
                else _("for an open-ended period"),
            }
        )
    if agreement.renewal:
        period.append(agreement.renewal)
    if agreement.notice_days:
        period.append(
            _("A party may end its participation with %(days)s days' written notice.") % {"days": agreement.notice_days}
        )
    article(_("Duration"), *period)
    article(
        _("Closing"),
        _(
            "This agreement is made in good faith and signed by the parties' representatives "
            "in the Silang system; each party keeps a copy."
        ),
    )
    return {
        "agreement": agreement,
        "parties": parties,
        "recitals": [
            _("that the school libraries of the consortium cannot each own everything their students need;"),
            _("that cooperation between libraries lasts only when it is planned and written down;"),
        ],
        "articles": [(index, heading, text) for index, (heading, text) in enumerate(articles, start=1)],
        "signature_blocks": [{"party": p, "signature": signatures.get(p.pk)} for p in signers],
        "witnesses": witnesses,
    }


def layout(agreement: Agreement) -> list[tuple]:
    """The PDF's paragraphs in order, as (text, size, style, align, gap, keep): everything the PDF shows, in the
    active language; `keep`: how many of the following paragraphs must stand on the same page (a heading and the
    start of its text). Cheap to compute; drawing it is the slow part, so it is also the PDF's cache key."""
    doc = build(agreement)
    lines: list[tuple] = []

    def para(text, size=10.5, style="", align="J", gap=1.5, keep=0):
        lines.append((str(text), size, style, align, gap, keep))

    para(_("COOPERATION AGREEMENT").upper(), 14, "B", "C", 0)
    para(agreement.title, 12, "B", "C", 0)
    para(_("Number: %(number)s") % {"number": agreement.number}, 10.5, "", "C", 4)
    para(_("The undersigned:"), style="B", keep=1)
    for index, party in enumerate(doc["parties"], start=1):
        who = party.representative or "—"
        para(f"{index}. {party} — {who}{', ' + party.position if party.position else ''} ({party.get_role_display()})")
    para(_("Considering:"), style="B", keep=1)
    for letter, recital in zip("abcdefgh", doc["recitals"], strict=False):
        para(f"{letter}. {recital}")
    para(_("have agreed as follows:"), gap=3)
    for index, heading, paragraphs in doc["articles"]:
        para(f"{_('Article')} {index}", 11, "B", "C", 0, keep=2)
        para(heading, 11, "B", "C", 1, keep=1)
        for number, text in enumerate(paragraphs, start=1):
            para(f"({number}) {text}" if len(paragraphs) > 1 else text)
        lines.append(SPACE)
    para(_("Signatures"), 11, "B", "C", 2, keep=2)
    for block in doc["signature_blocks"]:
        signature = block["signature"]
        para(str(block["party"]), style="B", gap=0)
        if signature:
            signed = formats.date_format(signature.signed_at, "j F Y H:i")
            para(
                _("Signed electronically by %(who)s on %(date)s (version %(v)s).")
                % {
                    "who": signature.signed_by.get_full_name() or signature.signed_by.username,
                    "date": signed,
                    "v": signature.version,
                },
                gap=0,
            )
        else:
            para(_("Not signed yet."), gap=0)
        party = block["party"]
        para(f"{party.representative or ''} {('— ' + party.position) if party.position else ''}", gap=3)
    for witness in doc["witnesses"]:
        para(_("Witness: %(name)s") % {"name": f"{witness} — {witness.representative}"})
    return lines


def _draw(title: str, lines: list[tuple]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.add_page()

    def height(line, *, most: float | None = None) -> float:
        text, size, style, align, gap, _keep = line
        pdf.set_font("DejaVu", style, size)
        drawn = pdf.multi_cell(pdf.epw, 5.5, text, align=align, dry_run=True, output="HEIGHT")
        return min(drawn, most or drawn) + gap

    for index, line in enumerate(lines):
        if line is SPACE:
            pdf.ln(1)
            continue
        text, size, style, align, gap, keep = line
        if keep:
            # A heading is never left at the foot of a page: it moves to the next page with the start of its text
            # (of which the first three lines are enough).
            group = [other for other in lines[index : index + keep + 1] if other is not SPACE]
            needed = sum(height(other, most=None if other[5] else 3 * 5.5) for other in group)
            if pdf.will_page_break(needed) and pdf.get_y() > pdf.t_margin + 1:
                pdf.add_page()
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(pdf.epw, 5.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)
    return bytes(pdf.output())


def render_pdf(agreement: Agreement) -> bytes:
    """The agreement as a PDF in the active language, drawn once per distinct content and then cached.

    The key is a digest of the very text drawn (layout()), so any change that shows in the PDF (an edit, a new
    version, a signature, a party's renamed library, the language) gives a new key; unchanged content is served
    from the cache. The caller has already decided that the user may read the agreement."""
    title = f"{agreement.number} {agreement.title}"
    lines = layout(agreement)
    digest = hashlib.sha256(repr((title, lines)).encode()).hexdigest()
    key = f"agreement-pdf:{agreement.pk}:v{agreement.version}:{translation.get_language()}:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = _draw(title, lines)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
