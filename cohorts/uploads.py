"""Checks and storage names for files that staff upload: community logos and roadmap PDFs.

A file's type is decided from its bytes, never from its name or the browser's content type.
Logos are decoded and re-encoded by Pillow, which drops metadata and anything appended to
the image (an HTML or script "polyglot" tail), and SVG is refused because it can carry
script. Stored names are chosen by the server, so a name such as ``../../settings.py`` never
reaches the file system.
"""

import io
import re
import uuid
import zlib

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
# Names that start active content in a PDF reader: scripts, launch, submit and import actions,
# embedded files and media, XFA forms. They are looked for with their #xx escapes decoded
# and inside Flate-compressed streams (object streams hide them there); this is a second line
# of defence, not a proof that a file is inert.
PDF_ACTIVE_NAME = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData|GoToE|XFA)"
    rb"(?=[\s/<>\[\]()%{}]|$)"
)
PDF_ACTIVE_URI = re.compile(rb"(?:java|vb)script\s*:", re.IGNORECASE)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
# Inflated stream data read at most, so a "zip bomb" cannot fill the memory.
PDF_INFLATE_LIMIT = 64 * 1024 * 1024
PDF_EOF_WINDOW = 2048


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


def _read_within(file, limit: int) -> bytes:
    """The file's bytes, refused when there are more than `limit`: the size the upload
    claims is checked before reading, and the size read after, as a claim can be wrong."""
    _size_check(file, limit)
    data = _read_all(file)
    if len(data) > limit:
        _size_check(ContentFile(data), limit)
    return data


def logo_validate(file) -> None:
    """Refuse anything that is not a PNG, JPEG or WebP image of a reasonable size."""
    if _already_stored(file):
        return
    data = _read_within(file, LOGO_MAX_BYTES)
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
    except Image.DecompressionBombError:
        # Pillow stops before reading the pixels of an image of hundreds of megapixels.
        raise ValidationError(
            _("This image has too many pixels; the limit is %(limit)s on each side."),
            code="too_many_pixels",
            params={"limit": LOGO_MAX_SIDE},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
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
        icc_profile = image.info.get("icc_profile")
        image = ImageOps.exif_transpose(image)
        if kind == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        # Pillow writes back some of what it read (a JPEG's comment, for one): only the
        # pixels and their colour profile are kept.
        image.info = {}
        output = io.BytesIO()
        options = {"icc_profile": icc_profile} if icc_profile else {}
        image.save(output, format=kind, **options)
    return ContentFile(output.getvalue(), name=f"logo{LOGO_FORMATS[kind]}")


def roadmap_validate(file) -> None:
    """Refuse anything that is not a PDF document of a reasonable size."""
    if _already_stored(file):
        return
    data = _read_within(file, ROADMAP_MAX_BYTES)
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(
            _("This file is not a PDF document, whatever its name says."), code="not_a_pdf"
        )
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        # A PDF ends with %%EOF: without it the file is cut short or something else.
        raise ValidationError(
            _("This file is not a PDF document, whatever its name says."), code="not_a_pdf"
        )
    if _pdf_has_active_content(data):
        raise ValidationError(
            _("This PDF contains scripts, launch actions or embedded files; export it again."),
            code="active_pdf",
        )


def _pdf_inflated_streams(data: bytes):
    budget = PDF_INFLATE_LIMIT
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            return
        try:
            inflated = zlib.decompressobj().decompress(match[1], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        yield inflated


def _pdf_has_active_content(data: bytes) -> bool:
    for chunk in (data, *_pdf_inflated_streams(data)):
        decoded = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), chunk)
        if PDF_ACTIVE_NAME.search(decoded) or PDF_ACTIVE_URI.search(decoded):
            return True
    return False


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
