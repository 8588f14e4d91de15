"""Slack's external file upload, in three steps as Slack has it since files.upload was
retired: `files.getUploadURLExternal` (a file id and a URL), a POST of the bytes to that
URL, then `files.completeUploadExternal`, which shares the file in a conversation (a
message carrying it, with the initial comment as its text)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

Answer = dict[str, Any]


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    data: bytes | None = None  # None until its bytes are posted to the upload URL
    title: str | None = None
    shared_in: list[str] = field(default_factory=list)


class Files:
    """The files of the workspace, by id. Not thread-safe: called under the stand-in's lock."""

    def __init__(self) -> None:
        self.uploads: dict[str, Upload] = {}
        self._ids = itertools.count(1)

    def upload_url(self, base: str, args: dict[str, Any]) -> Answer:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            return {"ok": False, "error": "invalid_arguments"}
        if not filename or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):010d}"
        self.uploads[file_id] = Upload(file_id, filename, length)
        return {"ok": True, "upload_url": f"{base}/upload/{file_id}", "file_id": file_id}

    def receive(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The POST to an upload URL: (HTTP status, body) as Slack's upload service answers."""
        upload = self.uploads.get(file_id)
        if upload is None:
            return 404, "not found"
        upload.data = data
        return 200, f"OK - {len(data)}"

    def complete(self, args: dict[str, Any]) -> tuple[Answer, list[Upload]]:
        """files.completeUploadExternal: the answer, and the uploads to share."""
        listed = args.get("files")
        if isinstance(listed, str):
            try:
                listed = json.loads(listed)
            except json.JSONDecodeError:
                return {"ok": False, "error": "invalid_arguments"}, []
        if not isinstance(listed, list) or not listed:
            return {"ok": False, "error": "invalid_arguments"}, []
        done: list[Upload] = []
        for entry in listed:
            upload = self.uploads.get(str((entry or {}).get("id")))
            if upload is None or upload.data is None:
                # Slack refuses to complete a file whose bytes never arrived.
                return {"ok": False, "error": "invalid_arguments"}, []
            upload.title = entry.get("title") or upload.filename
            done.append(upload)
        answer = {"ok": True, "files": [{"id": u.file_id, "title": u.title} for u in done]}
        return answer, done


def shared_file(upload: Upload) -> dict[str, Any]:
    """How a message shows a shared file (a few of Slack's many fields)."""
    return {
        "id": upload.file_id,
        "name": upload.filename,
        "title": upload.title,
        "size": upload.length,
        "mimetype": "image/png" if upload.filename.endswith(".png") else "application/octet-stream",
    }
