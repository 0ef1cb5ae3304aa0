"""Anchoring the audit chain outside the database.

The hash chain shows an edited, inserted, deleted or reordered entry, but not a chain that was
cut short or recomputed whole by someone who can write the database (and drop its triggers).
Only a head recorded elsewhere shows that. The worker's ``audit.checkpoint`` job therefore
appends the head (entry id, hash, time) to ``audit-checkpoints.jsonl`` in the checkpoint
directory (``MEDTRACE_AUDIT_CHECKPOINT_DIR``, by default ``<var_dir>/audit-checkpoints``; put it
on storage the database administrators cannot write), each line sealed with an HMAC-SHA256 under
a key that is not in the database (``MEDTRACE_AUDIT_KEY``, else the deployment's secret key),
and logs it. ``medtrace audit verify`` compares the chain with the latest checkpoint it can
authenticate: a chain that no longer holds the checkpointed entry was truncated; one whose entry
has another hash was rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text

FILE_NAME = "audit-checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    at: str  # UTC, ISO 8601
    entry_id: int
    head_hash: str

    def payload(self) -> bytes:
        return json.dumps({"at": self.at, "entry_id": self.entry_id, "head_hash": self.head_hash},
                          sort_keys=True, separators=(",", ":")).encode()


def seal(checkpoint: Checkpoint, key: str) -> str:
    return hmac.new(key.encode(), checkpoint.payload(), hashlib.sha256).hexdigest()


def write_checkpoint(directory: Path, checkpoint: Checkpoint, key: str) -> Path:
    """Append ``checkpoint`` with its seal, durably (fsync), creating the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAME
    line = json.dumps({"at": checkpoint.at, "entry_id": checkpoint.entry_id,
                       "head_hash": checkpoint.head_hash, "seal": seal(checkpoint, key)},
                      sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


@dataclass(frozen=True)
class Reading:
    checkpoint: Checkpoint | None
    forged_lines: int  # lines whose seal does not match (edited, or written without the key)


def latest_checkpoint(directory: Path, key: str) -> Reading:
    """The last checkpoint of the file whose seal is right, and how many lines were not."""
    path = directory / FILE_NAME
    if not path.exists():
        return Reading(None, 0)
    latest, forged = None, 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(raw)
            found = Checkpoint(str(record["at"]), int(record["entry_id"]),
                               str(record["head_hash"]))
            ok = hmac.compare_digest(seal(found, key), str(record["seal"]))
        except (ValueError, KeyError, TypeError):
            ok, found = False, None
        if ok:
            latest = found
        elif raw.strip():
            forged += 1
    return Reading(latest, forged)


def compare(conn: Connection, checkpoint: Checkpoint) -> str | None:
    """Why the chain does not hold ``checkpoint`` (truncated, rewritten), or None."""
    found = conn.execute(text("SELECT hash FROM audit_entry WHERE id = :id"),
                         {"id": checkpoint.entry_id}).scalar()
    if found is None:
        top = conn.execute(text("SELECT MAX(id) FROM audit_entry")).scalar()
        if top is None or top < checkpoint.entry_id:
            return (f"truncated: the checkpoint of {checkpoint.at} recorded entry "
                    f"{checkpoint.entry_id}, the chain ends at {top or 0}")
        return f"entry {checkpoint.entry_id} of the checkpoint of {checkpoint.at} is missing"
    if found != checkpoint.head_hash:
        return (f"rewritten: entry {checkpoint.entry_id} has another hash than the checkpoint "
                f"of {checkpoint.at} recorded")
    return None


def now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
