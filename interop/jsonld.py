"""schema.org JSON-LD of a record page: a Book (or CreativeWork) with one Offer per copy, the school as offeredBy,
availability and call number, so search engines can show where a book is."""

from __future__ import annotations

import json

from catalog.choices import HoldingStatus, MaterialType

AVAILABILITY = {
    HoldingStatus.AVAILABLE: "https://schema.org/InStock",
    HoldingStatus.ON_LOAN: "https://schema.org/OutOfStock",
    HoldingStatus.LENT_OUT: "https://schema.org/OutOfStock",
    HoldingStatus.IN_TRANSIT: "https://schema.org/OutOfStock",
    HoldingStatus.MISSING: "https://schema.org/Discontinued",
    HoldingStatus.PROCESSING: "https://schema.org/PreOrder",
}
TYPES = {
    MaterialType.BOOK: "Book",
    MaterialType.EBOOK: "Book",
    MaterialType.SERIAL: "Periodical",
    MaterialType.MAP: "Map",
}


def record_jsonld(record, holdings, *, url: str, base_url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": TYPES.get(record.material_type, "CreativeWork"),
        "@id": url,
        "url": url,
        "name": record.title,
    }
    if record.subtitle:
        data["alternativeHeadline"] = record.subtitle
    if record.authors:
        data["author"] = [{"@type": "Person", "name": a.get("name", "")} for a in record.authors]
    if record.publisher:
        data["publisher"] = {"@type": "Organization", "name": record.publisher}
    if record.year:
        data["datePublished"] = str(record.year)
    if record.isbns and data["@type"] == "Book":
        data["isbn"] = record.isbns[0] if len(record.isbns) == 1 else record.isbns
    if record.issn:
        data["issn"] = record.issn
    if record.language:
        data["inLanguage"] = record.language
    if record.edition and data["@type"] == "Book":
        data["bookEdition"] = record.edition
    if record.pages and data["@type"] == "Book":
        data["numberOfPages"] = record.pages
    if record.subjects:
        data["keywords"] = ", ".join(record.subjects)
    if record.summary:
        data["description"] = record.summary[:5000]
    offers = []
    for holding in holdings:
        library = holding.library
        offer = {
            "@type": "Offer",
            "businessFunction": "http://purl.org/goodrelations/v1#LeaseOut",
            "itemOffered": {"@id": url},
            "offeredBy": {
                "@type": "Library",
                "name": library.name,
                "url": base_url + library.get_absolute_url(),
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": library.city,
                    "addressRegion": library.province,
                },
            },
        }
        if holding.copies_unknown:
            offer["availability"] = "https://schema.org/InStoreOnly"
        else:
            offer["availability"] = AVAILABILITY.get(holding.status, "https://schema.org/OutOfStock")
            offer["serialNumber"] = holding.barcode
        if holding.call_number:
            offer["sku"] = holding.call_number
        offers.append(offer)
    if offers:
        data["offers"] = offers
    return data


def as_script(data: dict) -> str:
    """The JSON for a <script type="application/ld+json"> element, with <, > and & escaped (no </script> inside)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
