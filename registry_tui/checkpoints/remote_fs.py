"""fsspec under the remote checkpoints: one store per scheme, ranged reads, listings.

fsspec and the store's package (``s3fs``, ``gcsfs``, ``huggingface_hub``) are
imported when a URI of that scheme is first used, never before. Every call to
a store goes through :meth:`Store.call`, which turns the store's own errors
into one-line registry errors: a missing object is
:class:`~registry_tui.errors.CheckpointNotFoundError`, anything else a
:class:`~registry_tui.checkpoints.errors.RemoteStoreError` that names the URI
without its query string and never holds a credential. Credentials are only
ever the store's standard chain (AWS variables or profile,
``GOOGLE_APPLICATION_CREDENTIALS``, ``HF_TOKEN``): nothing here reads, passes
or keeps one.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from registry_tui.checkpoints.errors import MissingExtraError, RemoteStoreError
from registry_tui.errors import CheckpointNotFoundError

T = TypeVar("T")

EXTRAS = {"s3": "s3", "gs": "gcs", "gcs": "gcs", "hf": "hf"}
"""The registry-tui extra that brings each scheme's fsspec implementation."""
SECRET_VARIABLES = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
)
"""Environment variables whose values are taken out of any message a store gives."""
MIN_FETCH = 16 * 1024
"""The smallest ranged request: a header's small reads are served from one fetch."""
KEPT_BLOCKS = 4
"""How many fetched ranges a :class:`RemoteSource` keeps to serve later reads from."""


def scheme(uri: str) -> str:
    """The URI's scheme, lower-cased (``s3``, ``gs``, ``hf``, ``memory``)."""
    return uri.split("://", 1)[0].lower()


def shown(uri: str) -> str:
    """``uri`` as messages show it: no user part, no query string."""
    parts = urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    query = "?..." if parts.query else ""
    return f"{parts.scheme}://{host}{parts.path}{query}"


def redacted(text: str) -> str:
    """``text`` with the value of every credential variable set here replaced by ``***``."""
    for variable in SECRET_VARIABLES:
        value = os.environ.get(variable, "")
        if len(value) >= 4:
            text = text.replace(value, "***")
    return text


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    return redacted(f"{type(exc).__name__}: {line}" if line else type(exc).__name__)


class Store:
    """One fsspec filesystem, every call to it translated into registry errors."""

    def __init__(self, uri: str) -> None:
        self.scheme = scheme(uri)
        self.fs = _filesystem(uri, self.scheme)

    def call(self, uri: str, step: Callable[[], T]) -> T:
        """Run ``step`` (a call to the store about ``uri``), its errors made one line."""
        try:
            return step()
        except FileNotFoundError:
            raise CheckpointNotFoundError(shown(uri)) from None
        except PermissionError as exc:
            raise RemoteStoreError(f"{shown(uri)}: access denied ({_one_line(exc)})") from None
        except (RemoteStoreError, CheckpointNotFoundError):
            raise
        except Exception as exc:  # each store's client raises its own kinds
            raise RemoteStoreError(f"{shown(uri)}: cannot be read ({_one_line(exc)})") from None

    def info(self, uri: str) -> dict[str, Any]:
        """What the store says of ``uri`` now (its cached listings dropped first)."""
        fs = self.fs

        def look() -> dict[str, Any]:
            fs.invalidate_cache(fs._strip_protocol(uri))
            return dict(fs.info(uri))

        return self.call(uri, look)

    def listing(self, folder: str) -> list[dict[str, Any]]:
        """The entries directly inside ``folder``."""
        return self.call(folder, lambda: [dict(e) for e in self.fs.ls(folder, detail=True)])

    def read(self, uri: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` of ``uri``, in one ranged request."""
        # The Hub's cat_file opens a file object: keep that from reading ahead.
        options = {"cache_type": "none"} if self.scheme == "hf" else {}
        return bytes(self.call(uri, lambda: self.fs.cat_file(uri, start=start, end=end, **options)))


def _filesystem(uri: str, name: str) -> Any:
    """The fsspec filesystem for ``uri`` (shared by every URI of the scheme)."""
    extra = EXTRAS.get(name)
    hint = f"pip install 'registry-tui[{extra}]'" if extra else "pip install fsspec"
    try:
        import fsspec

        return fsspec.filesystem(name)
    except ImportError:
        what = f"the {extra} extra" if extra else "fsspec"
        raise MissingExtraError(f"{name}:// checkpoints need {what}: {hint}") from None
    except ValueError as exc:  # fsspec: "Protocol not known"
        raise RemoteStoreError(f"{shown(uri)}: {_one_line(exc)}") from None


def entry_name(entry: dict[str, Any]) -> str:
    """The last part of a listing entry's name."""
    return posixpath.basename(str(entry.get("name", "")).rstrip("/"))


class RemoteSource:
    """An object in a store as a :class:`~registry_tui.checkpoints.source.ByteSource`.

    Every read is a ranged request of at least :data:`MIN_FETCH` bytes, and the last
    :data:`KEPT_BLOCKS` fetches are kept, so a header's many small reads cost one
    request; a read near the end fetches the last :data:`MIN_FETCH` bytes, where a zip
    keeps its directory. The weights are never downloaded. ``bytes_read`` and
    ``reads`` count what was fetched from the store, as
    :class:`~registry_tui.checkpoints.source.FileSource` counts its reads.
    """

    def __init__(self, uri: str, *, size: int | None = None, store: Store | None = None) -> None:
        self.name = uri
        self._store = store if store is not None else Store(uri)
        if size is None:
            size = int(self._store.info(uri).get("size") or 0)
        self._size = size
        self._blocks: list[tuple[int, bytes]] = []
        self.bytes_read = 0
        self.reads = 0

    def size(self) -> int:
        """The object's length in bytes when it was opened."""
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes from ``offset`` (fewer only at the end of the object)."""
        if offset < 0 or length < 0:
            raise ValueError("negative offset or length")
        end = min(offset + length, self._size)
        if offset >= end:
            return b""
        for start, block in self._blocks:
            if start <= offset and end <= start + len(block):
                return block[offset - start : end - start]
        fetch_end = min(max(end, offset + MIN_FETCH), self._size)
        start = min(offset, max(0, fetch_end - MIN_FETCH))  # near the end: the last 16 KB
        block = self._store.read(self.name, start, fetch_end)
        self.bytes_read += len(block)
        self.reads += 1
        self._blocks = [(start, block), *self._blocks[: KEPT_BLOCKS - 1]]
        return block[offset - start : end - start]

    def close(self) -> None:
        """Drop the kept bytes."""
        self._blocks = []


class RemoteFiles:
    """A store's folders as :class:`~registry_tui.checkpoints.filesystem.Files`.

    A folder is listed once; its entries answer ``isfile`` and ``size`` for the
    files inside without a request each.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._listings: dict[str, dict[str, dict[str, Any]]] = {}
        self._known: dict[str, dict[str, Any]] = {}

    def remember(self, path: str, entry: dict[str, Any]) -> None:
        """Keep what the store said of ``path``, so reading it lists no folder."""
        self._known[path] = entry

    def entries(self, folder: str) -> dict[str, dict[str, Any]]:
        """``{name: entry}`` of the files directly inside ``folder``."""
        folder = folder.rstrip("/")
        if folder not in self._listings:
            found = self.store.listing(folder)
            files = {entry_name(e): e for e in found if e.get("type") == "file"}
            self._listings[folder] = dict(sorted(files.items()))
        return self._listings[folder]

    def names(self, folder: str) -> list[str]:
        return list(self.entries(folder))

    def join(self, folder: str, name: str) -> str:
        return f"{folder.rstrip('/')}/{name}"

    def parent(self, path: str) -> str:
        return path.rstrip("/").rsplit("/", 1)[0]

    def _entry(self, path: str) -> dict[str, Any] | None:
        if path in self._known:
            return self._known[path]
        try:
            return self.entries(self.parent(path)).get(path.rstrip("/").rsplit("/", 1)[-1])
        except CheckpointNotFoundError:
            return None

    def isfile(self, path: str) -> bool:
        return self._entry(path) is not None

    def size(self, path: str) -> int:
        entry = self._entry(path)
        if entry is None:
            raise CheckpointNotFoundError(shown(path))
        return int(entry.get("size") or 0)

    def read(self, path: str) -> bytes:
        return self.store.read(path, 0, self.size(path))

    def open(self, path: str) -> RemoteSource:
        return RemoteSource(path, size=self.size(path), store=self.store)

    def local(self, path: str) -> str | None:
        return None
