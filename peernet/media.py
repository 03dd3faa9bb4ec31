"""Serving the uploaded files that are public (community logos, published roadmaps).

The portal has no web server in front of it, so it serves ``MEDIA_URL`` itself, in every
environment. Nothing under ``MEDIA_ROOT`` is reachable by its name alone: a file is served only
when a row of a file field that an app declared public (:data:`public_file_fields`) names it,
so a file left in the folder, a draft or anything reached by ``../`` answers 404. The
response's type comes from the file's first bytes, never from its name or the request, and the
file is sandboxed so that a document that slipped past the upload checks cannot run script in
the portal's origin.
"""

import logging
import os
import posixpath
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.urls import re_path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe

from .seams import Seam

logger = logging.getLogger(__name__)

# Public files are the same for everyone and their names are random and never reused; an hour
# is how long a logo taken off a profile may still be shown from a cache.
MEDIA_MAX_AGE = 3600
SANDBOX_POLICY = "sandbox; default-src 'none'"
_SNIFF_BYTES = 16


@dataclass(frozen=True)
class PublicFileField:
    """A file field whose files anyone may download, from the rows that match ``lookups``."""

    model: type[models.Model]
    field_name: str
    lookups: Mapping[str, object] = field(default_factory=dict)

    def __call__(self, name: str) -> bool:
        """Whether such a row names the stored file ``name``."""
        rows = self.model._default_manager.filter(**{self.field_name: name}, **self.lookups)
        return rows.exists()


# The file fields whose files are public: the apps register a PublicFileField for each in their
# AppConfig.ready() (cohorts: the logos and the published roadmaps).
public_file_fields: Seam[PublicFileField] = Seam("public file fields")


@dataclass(frozen=True)
class MediaKind:
    content_type: str
    # Documents are downloaded rather than opened inside the portal's origin.
    attachment: bool


PNG = MediaKind("image/png", attachment=False)
JPEG = MediaKind("image/jpeg", attachment=False)
WEBP = MediaKind("image/webp", attachment=False)
PDF = MediaKind("application/pdf", attachment=True)


def media_kind(head: bytes) -> MediaKind | None:
    """The kind of a file from its first bytes (its signature), or None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def media_name_clean(name: str) -> str | None:
    """The storage name asked for, or None when it could only point somewhere else.

    Stored names are relative POSIX paths chosen by the server (``cohorts/logos/<hex>.png``):
    anything absolute, with a parent or empty segment, a backslash or a control character
    is not one of them, whatever the database says.
    """
    if not name or len(name) > 255 or name.startswith("/"):
        return None
    if any(ord(char) < 32 or char in "\\\x7f" for char in name):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    if posixpath.normpath(name) != name:
        return None
    return name


def media_is_public(name: str) -> bool:
    """Whether a row of a file field declared in :data:`public_file_fields` names this file."""
    return any(public_file_field(name) for public_file_field in public_file_fields)


def _media_open(name: str):
    """An open file object for a regular file inside MEDIA_ROOT, or None."""
    root = os.path.realpath(settings.MEDIA_ROOT)
    path = os.path.realpath(os.path.join(root, name))
    # A symbolic link inside the folder must not lead out of it.
    if os.path.commonpath([root, path]) != root or path == root:
        return None
    try:
        handle = open(path, "rb")  # the caller closes it (FileResponse once sent)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        return None
    return handle


@require_safe
def public_media_file(request, name: str):
    name = media_name_clean(name)
    if name is None or not media_is_public(name):
        raise Http404
    handle = _media_open(name)
    if handle is None:
        logger.warning("A public upload is missing from the media folder: %s", name)
        raise Http404
    head = handle.read(_SNIFF_BYTES)
    kind = media_kind(head)
    if kind is None:
        handle.close()
        logger.warning("A public upload is of no kind the portal serves: %s", name)
        raise Http404
    handle.seek(0)
    status = os.fstat(handle.fileno())
    etag = f'"{status.st_mtime_ns:x}-{status.st_size:x}"'
    last_modified = int(status.st_mtime)

    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is not None:
        handle.close()
    elif request.method == "HEAD":
        handle.close()
        response = HttpResponse(content_type=kind.content_type)
        response["Content-Length"] = str(status.st_size)
        response["Content-Disposition"] = content_disposition_header(
            kind.attachment, posixpath.basename(name)
        )
    else:
        response = FileResponse(
            handle,
            content_type=kind.content_type,
            as_attachment=kind.attachment,
            filename=posixpath.basename(name),
        )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, so that the site-wide policy (which allows the portal's own scripts) is not.
    response["Content-Security-Policy"] = SANDBOX_POLICY
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response


urlpatterns = [
    re_path(r"^(?P<name>.*)\Z", public_media_file, name="media"),
]
