"""Logos and roadmap PDFs are judged by their bytes; stored names are the server's."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cohorts import uploads

pytestmark = pytest.mark.unit


def image_bytes(kind="PNG", size=(40, 20), mode="RGB") -> bytes:
    output = io.BytesIO()
    colour = 90 if mode in ("L", "P") else (10, 120, 60)
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
