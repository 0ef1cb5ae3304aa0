"""Files people attach (a scanned licence, a customer's signed acceptance form): what they may
be (type by content, not by name; bounded size), and a content-addressed store under a
folder of the plant's ``var_dir`` (the same file is kept once; records keep its SHA-256)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
#: what an attached file may be: its first bytes, and its largest size (a scanned document as
#: PDF or TIFF may run to many pages; a photo of one does not)
FILE_TYPES = {
    "application/pdf": (b"%PDF-", 20 * MB),
    "image/tiff": (b"II*\x00", 20 * MB),
    "image/png": (b"\x89PNG\r\n\x1a\n", 10 * MB),
    "image/jpeg": (b"\xff\xd8\xff", 10 * MB),
}
MAX_FILE_BYTES = max(limit for _magic, limit in FILE_TYPES.values())


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content_type: str
    content: bytes


def file_problem(upload: UploadedFile) -> str | None:
    """Why the file may not be attached (its type or size), or None."""
    magic, limit = FILE_TYPES.get(upload.content_type, (None, MAX_FILE_BYTES))
    if magic is None or not upload.content.startswith(magic):
        return "attach a PDF, PNG, JPEG or TIFF file (its content must match)"
    if len(upload.content) > limit:
        return f"a {upload.content_type} file may be at most {limit // MB} MB"
    return None


def store_file(storage: Path, upload: UploadedFile) -> tuple[str, int]:
    """Keep the file under ``storage`` by its SHA-256 (written whole, then renamed); returns
    the digest and the size. Check ``file_problem`` first."""
    digest = hashlib.sha256(upload.content).hexdigest()
    target = file_path(storage, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(upload.content)
        partial.replace(target)
    return digest, len(upload.content)


def file_path(storage: Path, digest: str) -> Path:
    if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 digest")
    return storage / digest[:2] / digest
