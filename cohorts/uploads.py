"""Checks and storage names for files that staff upload: community logos and roadmap PDFs.

A file's type is decided from its bytes, never from its name or the browser's content type.
Logos are decoded and re-encoded by Pillow, which drops metadata and anything appended to
the image (an HTML or script "polyglot" tail), and SVG is refused because it can carry
script. Stored names are chosen by the server, so a name such as ``../../settings.py`` never
reaches the file system.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000
# Pillow format name → extension of the stored file.
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}

ROADMAP_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
# Names that start active content in a PDF reader. Compressed object streams can hide them,
# so this is a second line of defence, not a proof that a file is inert.
PDF_ACTIVE_MARKERS = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile")


def _already_stored(file) -> bool:
    """A file saved earlier was checked when it was uploaded; re-reading it on every save of
    its row would cost a storage round trip and fail if the storage is briefly unavailable."""
    return getattr(file, "_committed", False) and hasattr(file, "storage")


def _read_all(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") or b"<svg" in text


def _size_check(file, limit: int) -> None:
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


def logo_validate(file) -> None:
    """Refuse anything that is not a PNG, JPEG or WebP image of a reasonable size."""
    if _already_stored(file):
        return
    _size_check(file, LOGO_MAX_BYTES)
    data = _read_all(file)
    if len(data) > LOGO_MAX_BYTES:
        _size_check(ContentFile(data), LOGO_MAX_BYTES)
    if _looks_like_markup(data[:1024]):
        raise ValidationError(
            _(
                "SVG and other text files are not accepted as logos: "
                "upload a PNG, JPEG or WebP image."
            ),
            code="markup",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            if kind in LOGO_FORMATS and width <= LOGO_MAX_SIDE and height <= LOGO_MAX_SIDE:
                # verify() reads the whole stream and catches truncated or corrupt files.
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a PNG, JPEG or WebP image, whatever its name says."),
            code="not_an_image",
        ) from None
    if kind not in LOGO_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted: upload a PNG, JPEG or WebP image."),
            code="format",
            params={"format": kind},
        )
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels; the limit is %(limit)s on each side."),
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": LOGO_MAX_SIDE},
        )


def logo_normalise(file) -> ContentFile:
    """A re-encoded copy of a valid logo, with a server-chosen name (validate first)."""
    logo_validate(file)
    with Image.open(io.BytesIO(_read_all(file))) as image:
        kind = image.format
        image = ImageOps.exif_transpose(image)
        if kind == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        output = io.BytesIO()
        image.save(output, format=kind)
    return ContentFile(output.getvalue(), name=f"logo{LOGO_FORMATS[kind]}")


def roadmap_validate(file) -> None:
    """Refuse anything that is not a PDF document of a reasonable size."""
    if _already_stored(file):
        return
    _size_check(file, ROADMAP_MAX_BYTES)
    data = _read_all(file)
    if len(data) > ROADMAP_MAX_BYTES:
        _size_check(ContentFile(data), ROADMAP_MAX_BYTES)
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(
            _("This file is not a PDF document, whatever its name says."), code="not_a_pdf"
        )
    if any(marker in data for marker in PDF_ACTIVE_MARKERS):
        raise ValidationError(
            _("This PDF contains scripts, launch actions or embedded files; export it again."),
            code="active_pdf",
        )


def logo_upload_to(instance, filename: str) -> str:
    """``cohorts/logos/<random>.<ext>``: only the extension of a re-encoded file is kept."""
    extension = next(
        (ext for ext in LOGO_FORMATS.values() if filename.lower().endswith(ext)), ".png"
    )
    return f"cohorts/logos/{uuid.uuid4().hex}{extension}"


def roadmap_upload_to(instance, filename: str) -> str:
    return f"cohorts/roadmaps/{uuid.uuid4().hex}.pdf"


def partner_logo_upload_to(instance, filename: str) -> str:
    return logo_upload_to(instance, filename).replace("cohorts/logos/", "cohorts/partners/", 1)
