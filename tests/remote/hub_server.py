"""A few of the Hugging Face Hub's HTTP routes, served on 127.0.0.1 from files in memory.

Enough for ``huggingface_hub.HfFileSystem`` to list a model repo, say what a file
is (its git blob id, and for LFS files their sha256) and read ranges of it:

* ``GET /api/models/{org}/{repo}[/revision/{rev}]``: the repo exists (``id``, ``sha``);
* ``GET /api/models/{org}/{repo}/tree/{rev}[/{path}]``: the entries directly inside;
* ``GET /{org}/{repo}/resolve/{rev}/{file}``: the bytes, honouring ``Range``.

A missing repo answers 404 with ``X-Error-Code: RepoNotFound``, as the Hub does.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

LFS_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".onnx")
_REVISION = re.compile(r"^/api/models/([^/]+/[^/]+)(?:/revision/([^/]+))?$")
_TREE = re.compile(r"^/api/models/([^/]+/[^/]+)/tree/([^/]+)(?:/(.*))?$")
_RESOLVE = re.compile(r"^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


class HubServer:
    """The routes above over ``files`` (``{"org/repo/path": bytes}``); ``ranges`` lists
    every ``Range`` header a read asked for."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.ranges: list[str] = []
        self.authorizations: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def pipe(self, uri: str, data: bytes) -> None:
        """Put ``data`` at ``hf://org/repo/path`` (as an fsspec filesystem's ``pipe``)."""
        self.files[uri.removeprefix("hf://")] = data

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def entries(self, repo: str, folder: str) -> list[dict[str, Any]]:
        """The tree entries directly inside ``folder`` of ``repo``, as the Hub lists them."""
        prefix = f"{repo}/{folder.strip('/')}/".replace("//", "/")
        found: dict[str, dict[str, Any]] = {}
        for key, data in sorted(self.files.items()):
            if not key.startswith(prefix):
                continue
            inside = key[len(prefix) :]
            path = key[len(repo) + 1 :]
            if "/" in inside:
                name = path[: len(path) - len(inside)] + inside.split("/", 1)[0]
                found[name] = {"type": "directory", "oid": "0" * 40, "path": name}
            else:
                found[path] = _file_entry(path, data)
        return list(found.values())


def _file_entry(path: str, data: bytes) -> dict[str, Any]:
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    entry: dict[str, Any] = {"type": "file", "oid": blob, "size": len(data), "path": path}
    if path.endswith(LFS_SUFFIXES):
        sha = hashlib.sha256(data).hexdigest()
        entry["lfs"] = {"oid": sha, "size": len(data), "pointerSize": 134}
    return entry


def _handler(hub: HubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            hub.authorizations.append(self.headers.get("authorization", ""))
            if self.path.startswith("/api/agent-harnesses"):  # asked once on import: not a repo
                hub.authorizations.pop()
            path = unquote(urlsplit(self.path).path)
            if match := _REVISION.match(path):
                if self._repo(match[1]):
                    self._json({"id": match[1], "sha": "a" * 40})
            elif match := _TREE.match(path):
                if self._repo(match[1]):
                    self._json(hub.entries(match[1], match[3] or ""))
            elif (match := _RESOLVE.match(path)) and f"{match[1]}/{match[3]}" in hub.files:
                self._bytes(hub.files[f"{match[1]}/{match[3]}"])
            else:
                self._error(404, "EntryNotFound")

        def _repo(self, repo: str) -> bool:
            if any(key.startswith(repo + "/") for key in hub.files):
                return True
            self._error(404, "RepoNotFound")
            return False

        def _json(self, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _bytes(self, data: bytes) -> None:
            asked = self.headers.get("range")
            match = _RANGE.match(asked or "")
            start, end = 0, len(data)
            if match:
                hub.ranges.append(str(asked))
                start = int(match[1])
                end = min(len(data), int(match[2]) + 1) if match[2] else len(data)
            self.send_response(206 if match else 200)
            if match:
                self.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(data)}")
            self.send_header("Content-Length", str(end - start))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data[start:end])

        def _error(self, status: int, code: str) -> None:
            raw = json.dumps({"error": code}).encode()
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler
