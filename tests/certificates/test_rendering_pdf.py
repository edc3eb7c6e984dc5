"""The certificate PDF (apps.certificates.rendering.render_pdf), read back as its readers would: the text
(pypdf) holds the learner's name in any script, the code and the verify URL; the metadata names the
certificate, the organization and the course; every font is embedded (pdffonts); the page rendered to PNG
(pdftoppm) carries a QR code that decodes (zxing-cpp) to the verify URL."""

import io
import os
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from apps.certificates.rendering import render_pdf
from apps.certificates.rendering.assets import qr_matrix

URL = "https://acme.learnstack.test/verify/4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
CODE = "4829105736AP"
LAYOUTS = ("classic", "modern", "minimal", "custom")
DATA = {
    "learner": "Ada Palmer",
    "course": "Algebra Foundations",
    "grade": 92.5,
    "organization": "Acme Academy",
    "issued_on": "2026-03-14",
    "expires_on": "2028-03-14",
}


def snapshot(**values) -> dict:
    return {
        "layout": "classic",
        "page_size": "a4",
        "orientation": "landscape",
        "primary_color": "#1d4ed8",
        "accent_color": "#f59e0b",
        "logo": "",
        "signature_image": "",
        "signer_name": "Dana Director",
        "signer_title": "Head of Learning",
        "title_text": "Certificate of completion",
        "body_text": "This certifies that {learner} has completed {course} with {grade}.",
        "fields": {},
        **values,
    }


def text_of(pdf: bytes) -> str:
    return unicodedata.normalize("NFKC", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} (poppler-utils) must be installed under CI", pytrace=False)
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def decoded_qr(pdf: bytes, tmp_path) -> list[str]:
    import zxingcpp
    from PIL import Image

    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [tool("pdftoppm"), "-r", "150", "-png", "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as page:
        return [barcode.text for barcode in zxingcpp.read_barcodes(page)]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_prints_the_name_the_code_and_the_url(layout):
    pdf = render_pdf(snapshot(layout=layout), DATA, verify_url=URL, code=CODE)

    text = text_of(pdf)
    assert pdf.startswith(b"%PDF-")
    assert "Ada Palmer" in text
    assert CODE in text
    assert URL in text
    assert "Algebra Foundations" in text


@pytest.mark.parametrize(
    "name",
    [
        "Анна Петрова",  # Cyrillic
        "Γιώργος Παπαδόπουλος",  # Greek
        "محمد عبد الله",  # Arabic (right to left, joined)
        "דוד כהן",  # Hebrew (right to left)
        "李小龙",  # Chinese
        "山田 太郎",  # Japanese
        "김민준",  # Korean
        "Nguyễn Thị Minh Khai",  # Vietnamese (stacked diacritics)
    ],
)
def test_names_in_any_script_are_printed_as_text(name):
    pdf = render_pdf(snapshot(), {**DATA, "learner": name}, verify_url=URL, code=CODE)

    text = text_of(pdf)
    assert name in text
    assert "\x00" not in text  # no character fell to a missing glyph


def test_a_name_mixing_scripts_keeps_each_part():
    pdf = render_pdf(snapshot(layout="modern"), {**DATA, "learner": "Ana 李 محمد"}, verify_url=URL, code=CODE)

    text = text_of(pdf)
    assert "Ana" in text
    assert "李" in text
    assert "محمد" in text


def test_the_metadata_names_the_certificate_the_organization_and_the_course():
    reader = PdfReader(io.BytesIO(render_pdf(snapshot(), DATA, verify_url=URL, code=CODE)))

    assert reader.is_encrypted is False
    assert reader.metadata.title == "Certificate of completion — Ada Palmer"
    assert reader.metadata.author == "Acme Academy"
    assert reader.metadata.subject == "Algebra Foundations"
    assert len(reader.pages) == 1


def test_placeholders_are_filled_and_the_dates_are_in_words():
    pdf = render_pdf(
        snapshot(body_text="{learner} of {organization} passed {course} ({grade}), code {code}."),
        DATA,
        verify_url=URL,
        code=CODE,
    )

    text = text_of(pdf)
    assert "of Acme Academy passed" in text
    assert "92.5 %" in text
    assert "14 March 2026" in text
    assert "14 March 2028" in text
    assert "{" not in text


def test_a_certificate_without_grade_or_expiry_prints_neither():
    data = {**DATA, "grade": None, "expires_on": None}

    text = text_of(
        render_pdf(snapshot(body_text="{learner} completed {course}."), data, verify_url=URL, code=CODE)
    )

    assert "Grade" not in text
    assert "Valid until" not in text


@pytest.mark.parametrize(
    ("page_size", "orientation", "width", "height"),
    [
        ("a4", "landscape", 841.89, 595.28),
        ("a4", "portrait", 595.28, 841.89),
        ("letter", "landscape", 792, 612),
    ],
)
def test_the_page_has_the_templates_size_and_orientation(page_size, orientation, width, height):
    pdf = render_pdf(snapshot(page_size=page_size, orientation=orientation), DATA, verify_url=URL, code=CODE)

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (width, height)


def test_the_custom_layout_puts_the_name_where_the_template_says():
    fields = {"learner": {"x": 40, "y": 50, "size": 30, "align": "left"}}
    pdf = render_pdf(snapshot(layout="custom", fields=fields), DATA, verify_url=URL, code=CODE)
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if "Ada" in text:
            found.append((tm[4], tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)

    assert found, "the learner's name was not drawn"
    x, y = found[0]
    assert abs(x - 40 * 72 / 25.4) < 1
    assert abs(y - (595.28 - 50 * 72 / 25.4)) < 1
    assert URL in text_of(pdf)  # the code, URL and QR always print


def test_a_character_no_font_has_does_not_stop_the_certificate():
    pdf = render_pdf(snapshot(), {**DATA, "learner": "Ada \U0001f600 Palmer"}, verify_url=URL, code=CODE)

    assert "Ada" in text_of(pdf)


def test_missing_data_and_odd_template_values_still_print():
    odd = {"layout": "nonsense", "primary_color": "red", "fields": "not a dict", "title_text": ""}

    pdf = render_pdf(odd, {"learner": "Ada Palmer"}, verify_url=URL, code=CODE)

    assert "Ada Palmer" in text_of(pdf)


def test_every_font_is_embedded(tmp_path):
    pdffonts = tool("pdffonts")
    source = tmp_path / "certificate.pdf"
    source.write_bytes(
        render_pdf(snapshot(), {**DATA, "learner": "Анна 李小龙 김민준 محمد"}, verify_url=URL, code=CODE)
    )

    listing = subprocess.run([pdffonts, str(source)], capture_output=True, text=True, check=True, timeout=30)

    rows = listing.stdout.splitlines()[2:]
    assert len(rows) >= 5
    for row in rows:
        columns = row.split()
        emb = columns[-5]  # name type encoding emb sub uni object ID
        assert emb == "yes", row
    assert not any("Helvetica" in row for row in rows)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_qr_code_decodes_to_the_verify_url(layout, tmp_path):
    pdf = render_pdf(snapshot(layout=layout, orientation="portrait"), DATA, verify_url=URL, code=CODE)

    assert decoded_qr(pdf, tmp_path) == [URL]


def test_a_long_verify_url_still_decodes(tmp_path):
    url = "https://a-rather-long-organization-name.learnstack.example/verify/" + "ab" * 16
    pdf = render_pdf(snapshot(layout="minimal"), DATA, verify_url=url, code=CODE)

    assert decoded_qr(pdf, tmp_path) == [url]


def test_the_qr_mask_is_chosen_by_penalty_and_the_matrix_is_square():
    rows = qr_matrix(URL)

    assert len(rows) == len(rows[0]) == 37  # version 5 holds a verify URL at level M
    assert set("".join(rows)) == {"0", "1"}
    assert rows[0][:7] == "1111111"  # the finder pattern


@pytest.mark.parametrize("layout", LAYOUTS)
def test_very_long_names_and_titles_stay_on_the_page(layout):
    long_name = "Maximiliana Alexandrina Montgomery-Worthington " * 4
    long_title = "Certificate of outstanding achievement in the advanced professional programme " * 2
    pdf = render_pdf(
        snapshot(layout=layout, title_text=long_title.strip()),
        {
            **DATA,
            "learner": long_name.strip(),
            "organization": "The International Academy of Everything " * 3,
        },
        verify_url=URL,
        code=CODE,
    )
    width = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    outside = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and not -1 <= tm[4] <= width + 1:
            outside.append((text, tm[4]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)

    assert outside == []
    assert "Worthington" in text_of(pdf)
