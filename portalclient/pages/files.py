"""Files in and out: downloads served safely, uploads read within the configured limits.

Downloads: the CRM's file names and types are untrusted (PROTOCOL 6.5), so names are reduced to
a safe basename, types outside a small allow-list become ``application/octet-stream``, and
everything is sent as an attachment (nothing from the CRM is ever rendered inline, except PDFs
the portal asked for explicitly).
Uploads: the size limit is enforced by Flask before the body is read (MAX_CONTENT_LENGTH, with
a 413 page that states the limit) and again per file; the type by extension allow-list; spooled
files live only inside ``upload_dir`` and have no name there.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, render_template, send_file
from flask import Request as FlaskRequest
from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from portalclient.config import portal_config
from portalclient.crm.models import FileContent
from portalclient.pages.formatting import human_size

log = logging.getLogger(__name__)

MAX_NAME_LENGTH = 120
#: Types a browser may receive as such; anything else (HTML, SVG, XML, scripts) is octet-stream.
SAFE_TYPES = frozenset({
    "application/pdf", "text/plain", "text/csv", "image/png", "image/jpeg", "image/gif",
    "image/webp", "application/zip", "application/msword", "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
})
_UNSAFE_NAME_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]+')
#: Unicode categories never kept in a file name: format characters (bidi overrides such as
#: U+202E, which make "gnp.exe" look like "exe.png"; zero-width joiners), line and paragraph
#: separators, unassigned, surrogate and private-use code points.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
_MIME_TOKEN = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")

NO_FILE = _l("Please choose a file.")
TYPE_NOT_ALLOWED = _l("Files of this type cannot be uploaded: %(name)s. Allowed: %(types)s.")
EMPTY_FILE = _l("The file %(name)s is empty.")
FILE_TOO_LARGE = _l("The file %(name)s is larger than %(size)s, the most a file may be.")
TOO_LARGE_TITLE = _l("Too large")
REQUEST_TOO_LARGE = _l("What you sent is larger than %(size)s, the most one upload may be. "
                       "Please go back and choose a smaller file, or fewer files at once.")


def safe_filename(name: str, fallback: str = "file") -> str:
    """A file name safe for headers and disks: basename only, no control or path characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(char for char in name
                   if unicodedata.category(char) not in _INVISIBLE_CATEGORIES)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" ._")
    if not name:
        return fallback
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) < 16:
            name = stem[:MAX_NAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def safe_content_type(claimed: str, filename: str) -> str:
    """``claimed`` (or the type the name suggests) if it is on the allow-list, else octet-stream."""
    candidate = (claimed or "").split(";")[0].strip().lower()
    if not _MIME_TOKEN.match(candidate):
        candidate = (mimetypes.guess_type(filename)[0] or "").lower()
    return candidate if candidate in SAFE_TYPES else "application/octet-stream"


def download_response(content: FileContent, *, fallback_name: str = "file",
                      inline: bool = False) -> Response:
    """Send a CRM file as a download (``inline`` only for types on the allow-list)."""
    name = safe_filename(content.filename, fallback_name)
    mimetype = safe_content_type(content.content_type, name)
    as_attachment = not (inline and mimetype == "application/pdf")
    response = send_file(io.BytesIO(content.data), mimetype=mimetype,
                         as_attachment=as_attachment, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# -- uploads ----------------------------------------------------------------------------------------

class UploadRejected(ValueError):
    """An upload that must not be sent to the CRM; ``message`` is for the customer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Upload:
    """One accepted file, ready for the CRM."""

    filename: str
    content_type: str
    data: bytes


def upload_limit_bytes() -> int:
    """The largest file a customer may send (shown in every upload form)."""
    return portal_config().uploads.max_mb * 1024 * 1024


def allowed_extensions() -> tuple[str, ...]:
    return portal_config().uploads.allowed_extensions


def read_uploads(field: str, *, required: bool = False) -> list[Upload]:
    """Every file sent in form field ``field``, checked; raises UploadRejected on the first bad one."""
    files = [f for f in request.files.getlist(field) if f and f.filename]
    if required and not files:
        raise UploadRejected(str(NO_FILE))
    uploads = []
    for storage in files:
        name = safe_filename(storage.filename)
        ext = name.rpartition(".")[2].lower() if "." in name else ""
        if ext not in allowed_extensions():
            raise UploadRejected(str(TYPE_NOT_ALLOWED) % {
                "name": name, "types": ", ".join(allowed_extensions())})
        data = storage.read(upload_limit_bytes() + 1)
        if not data:
            raise UploadRejected(str(EMPTY_FILE) % {"name": name})
        if len(data) > upload_limit_bytes():
            raise UploadRejected(str(FILE_TOO_LARGE) % {
                "name": name, "size": human_size(upload_limit_bytes())})
        uploads.append(Upload(name, safe_content_type("", name), data))
    return uploads


class PortalRequest(FlaskRequest):
    """Spools uploads into ``upload_dir`` (never the system temp dir); the spool file has no
    name on disk and is closed with the request, so nothing is left behind whatever happens."""

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        spool = tempfile.TemporaryFile(dir=portal_config().upload_dir)
        self.__dict__.setdefault("_spools", []).append(spool)
        return spool

    def close(self) -> None:
        """Close the spool files too: an upload cut off mid-body never reaches ``files``."""
        try:
            super().close()
        finally:
            for spool in self.__dict__.pop("_spools", ()):
                spool.close()

    def _load_form_data(self) -> None:
        """Parse the form; a body over MAX_CONTENT_LENGTH is refused (413) without being read,
        and from then on reads as an empty form, so the error page can still be built (it
        looks for a language choice in the form)."""
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:
            self.__dict__.update(stream=io.BytesIO(), form=self.parameter_storage_class(),
                                 files=self.parameter_storage_class())
            raise


def _request_too_large(exc: RequestEntityTooLarge):
    """The 413 page, saying how large an upload may be (the body was never read)."""
    log.info("refused a request body of %s bytes", request.content_length)
    message = str(REQUEST_TOO_LARGE) % {"size": human_size(upload_limit_bytes())}
    return render_template("errors/error.html", status=413, title=TOO_LARGE_TITLE,
                           message=message, retry_url=None, resend=None), 413


def init_uploads(app: Flask, upload_dir: str) -> None:
    """Create ``upload_dir`` (owner-only) and route request spooling into it."""
    path = Path(upload_dir)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    app.request_class = PortalRequest
    app.register_error_handler(RequestEntityTooLarge, _request_too_large)
    app.jinja_env.globals["upload_limit_bytes"] = upload_limit_bytes
    app.jinja_env.globals["allowed_extensions"] = allowed_extensions
