"""APA 7 and BibTeX references to a record (catalog/citation.py), and their place on the record page and export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.citation import apa, bibtex
from catalog.models import Record


def book(title="Laskar pelangi", *, authors=("Hirata, Andrea",), **fields) -> Record:
    """An unsaved record: the citation functions read fields only."""
    values = {"publisher": "Bentang Pustaka", "place": "Yogyakarta", "year": 2005, **fields}
    return Record(title=title, authors=[{"name": name, "role": "author"} for name in authors], **values)


def test_laskar_pelangi_in_apa():
    reference = apa(book())
    assert reference.text == "Hirata, A. (2005). Laskar pelangi. Bentang Pustaka."
    assert reference.html == "Hirata, A. (2005). <em>Laskar pelangi</em>. Bentang Pustaka."


def test_direct_order_and_dates_give_the_same_author():
    assert apa(book(authors=["Andrea Hirata"])).text.startswith("Hirata, A. (2005).")
    assert apa(book(authors=["Toer, Pramoedya Ananta, 1925-2006"])).text.startswith("Toer, P. A. (2005).")


def test_two_authors_joined_with_comma_ampersand():
    text = apa(book(authors=["Andrea Hirata", "Tere Liye"])).text
    assert text == "Hirata, A., & Liye, T. (2005). Laskar pelangi. Bentang Pustaka."


def test_three_authors_with_ampersand_before_the_last():
    text = apa(book(authors=["Hirata, Andrea", "Tere Liye", "A. Fuadi"])).text
    assert text.startswith("Hirata, A., Liye, T., & Fuadi, A. (2005).")


def test_more_than_twenty_authors_elide_to_the_last():
    # 22 authors: the first 19 ("Namaa" ... "Namas"), an ellipsis, the last ("Namav").
    text = apa(book(authors=[f"Nama{chr(97 + n)}, Ani" for n in range(22)])).text
    assert "Namas, A., . . . Namav, A. (2005)." in text and "Namat" not in text


def test_corporate_author_is_kept_whole_and_not_repeated_as_publisher():
    name = "Kementerian Pendidikan dan Kebudayaan"
    assert apa(book("Bahasa Indonesia", authors=[name], publisher=name, year=2017)).text == (
        "Kementerian Pendidikan dan Kebudayaan. (2017). Bahasa Indonesia."
    )


def test_no_year_is_nd():
    assert apa(book(year=None)).text == "Hirata, A. (n.d.). Laskar pelangi. Bentang Pustaka."


def test_no_author_puts_the_title_first():
    reference = apa(book(authors=[]))
    assert reference.text == "Laskar pelangi. (2005). Bentang Pustaka."
    assert reference.html.startswith("<em>Laskar pelangi</em>. (2005).")


def test_editors_stand_in_for_missing_authors():
    record = book(authors=[])
    record.authors = [{"name": "Budi Darma", "role": "editor"}, {"name": "Ani", "role": "translator"}]
    assert apa(record).text.startswith("Darma, B. (Ed.). (2005). Laskar pelangi.")


@pytest.mark.parametrize(
    ("statement", "cited"),
    [
        ("2nd ed.", " (2nd ed.)."),
        ("Second edition", " (2nd ed.)."),
        ("Ed. 2", " (Edisi ke-2)."),
        ("Edisi revisi", " (Edisi revisi)."),
    ],
)
def test_a_later_edition_follows_the_title(statement, cited):
    reference = apa(book(edition=statement))
    assert reference.text == f"Hirata, A. (2005). Laskar pelangi{cited} Bentang Pustaka."
    assert f"<em>Laskar pelangi</em>{cited}" in reference.html


@pytest.mark.parametrize("statement", ["Ed. 1", "Edisi pertama", "1st ed.", "Cet. 3", "Cetakan ke-5"])
def test_first_editions_and_printings_are_not_cited(statement):
    assert apa(book(edition=statement)).text == "Hirata, A. (2005). Laskar pelangi. Bentang Pustaka."


def test_isbd_punctuation_and_business_words_are_dropped():
    record = book("Laskar pelangi :", subtitle="sebuah novel /", publisher="PT Gramedia Pustaka Utama, Tbk.")
    assert apa(record).text == "Hirata, A. (2005). Laskar pelangi: Sebuah novel. Gramedia Pustaka Utama."


def test_html_escapes_the_record_text():
    html = apa(book("<script>alert(1)</script>", publisher="A & B")).html
    assert "<script>" not in html
    assert "<em>&lt;script&gt;alert(1)&lt;/script&gt;</em>" in html and "A &amp; B." in html


def test_bibtex_entry_and_key():
    record = book(isbns=["9789793062792"], edition="Ed. 2")
    assert bibtex(record) == (
        "@book{hirata2005laskar,\n"
        "  author = {Hirata, Andrea},\n"
        "  title = {Laskar pelangi},\n"
        "  publisher = {Bentang Pustaka},\n"
        "  address = {Yogyakarta},\n"
        "  year = {2005},\n"
        "  edition = {Edisi ke-2},\n"
        "  isbn = {9789793062792}\n"
        "}\n"
    )


def test_bibtex_key_is_ascii_and_people_are_inverted():
    entry = bibtex(book("Éndah hari", authors=["Ğüneş Çelik", "Kementerian Agama"], year=2010))
    assert entry.startswith("@book{celik2010endah,")
    assert "author = {Çelik, Ğüneş and {Kementerian Agama}}" in entry


def test_bibtex_escapes_special_characters():
    entry = bibtex(book("50% & $5_#1 {x} \\ ~", publisher="A & B"))
    assert r"title = {50\% \& \$5\_\#1 \{x\} \textbackslash{} \textasciitilde{}}" in entry
    assert r"publisher = {A \& B}" in entry


@pytest.mark.django_db
def test_bibtex_download(client):
    record = Record.objects.create(title="Laskar pelangi", authors=[{"name": "Hirata, Andrea"}], year=2005)
    response = client.get(reverse("catalog:record_export", args=[record.pk, "bibtex"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert response["Content-Disposition"] == f'attachment; filename="record-{record.pk}.bib"'
    assert response.content.decode().startswith("@book{hirata2005laskar,")


@pytest.mark.django_db
def test_ris_export_still_works(client):
    record = Record.objects.create(title="Laskar pelangi", authors=[{"name": "Hirata, Andrea"}], year=2005)
    response = client.get(reverse("catalog:record_export", args=[record.pk, "ris"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems"
    assert response["Content-Disposition"] == f'attachment; filename="record-{record.pk}.ris"'
    assert "AU  - Hirata, Andrea" in response.content.decode()


@pytest.mark.django_db
def test_record_page_shows_escaped_citation_and_bibtex(client):
    record = Record.objects.create(title="<b>Tebal</b>", authors=[{"name": "Hirata, Andrea"}], year=2005)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "Hirata, A. (2005). <em>&lt;b&gt;Tebal&lt;/b&gt;</em>." in html
    assert "<b>Tebal</b>" not in html
    assert "@book{hirata2005btebalb," in html
    assert reverse("catalog:record_export", args=[record.pk, "bibtex"]) in html
    assert "Sitasi (BibTeX)" in html  # the pages are Indonesian first
