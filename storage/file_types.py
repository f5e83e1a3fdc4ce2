"""What a received file is, judged by its content (magic numbers, via ``filetype``), never by the
type the sender claimed: a "photo" may be an HTML page, a "PDF" a program.

The allow-list is what a child-protection case plausibly carries as evidence: photos, voice notes
and recordings, videos, PDFs and office documents. Anything else is still kept (sealed, as the
reporter's evidence) but only ever labelled and served as opaque bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

OPAQUE = "application/octet-stream"
IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/avif"})
ALLOWED: dict[str, str] = {
    **{mime: mime.split("/")[1].replace("jpeg", "jpg") for mime in IMAGES},
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "audio/x-wav": "wav",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


@dataclass(frozen=True)
class FileType:
    mime: str
    """The sniffed type if it is on the allow-list, else ``application/octet-stream``."""
    extension: str

    @property
    def is_image(self) -> bool:
        return self.mime in IMAGES


def sniff(data: bytes) -> FileType:
    import filetype  # its signature tables cost a cold start 80 ms; files arrive later, if at all

    found = filetype.guess_mime(data[:8192])
    if found in ALLOWED:
        return FileType(found, ALLOWED[found])
    return FileType(OPAQUE, "bin")


def extension_of(mime: str) -> str:
    return ALLOWED.get(mime, "bin")
