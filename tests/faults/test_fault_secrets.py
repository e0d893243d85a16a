"""Secrets and permissions: a PostgreSQL password never shows; registry files are private."""

from __future__ import annotations

import json
import logging
import os
import stat
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from registry_tui import ModelRegistry, RegistryError
from tests.conftest import PG_SKIP_REASON, PG_URL
from tests.faults.workers import cli

SECRET = "Sw0rdf1sh-" + "q7Zx"  # distinctive, so a leak cannot hide in other text


def _with_password(url: str, password: str, port: int | None = None) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}:{quote(password)}@{parts.hostname}:{port or parts.port or 5432}"
    return parts._replace(netloc=netloc).geturl()


def _everything_said(exc: BaseException) -> str:
    return str(exc) + repr(exc) + "".join(traceback.format_exception(exc))


@pytest.fixture
def pg_role(pg_url: str) -> Iterator[str]:
    """A URL for a fresh role whose password is :data:`SECRET` (needs a superuser server URL)."""
    import psycopg2

    role = "rt_" + uuid.uuid4().hex[:10]
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD %s", (SECRET,))
    except psycopg2.Error:
        conn.close()
        pytest.skip("the test server's user cannot create roles")
    parts = urlsplit(pg_url)
    url = parts._replace(netloc=f"{role}:{SECRET}@{parts.hostname}:{parts.port or 5432}")
    try:
        yield url.geturl()
    finally:
        with conn.cursor() as cur:
            cur.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
            cur.execute(f"DROP OWNED BY {role}")
            cur.execute(f"DROP ROLE IF EXISTS {role}")
        conn.close()


@pytest.mark.postgres
def test_wrong_password_is_not_in_the_error(caplog: pytest.LogCaptureFixture) -> None:
    """A refused login: the error, its repr and its traceback never contain the password."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    caplog.set_level(logging.DEBUG)
    for url in (_with_password(PG_URL, SECRET), _with_password(PG_URL, SECRET, port=1)):
        with pytest.raises(RegistryError) as caught:
            ModelRegistry(url)
        assert SECRET not in _everything_said(caught.value)
        for argv in (["list"], ["check"], ["dump", "-"], ["backup", "x.db"]):
            result = cli({"argv": ["--db", url, *argv]})
            assert result["code"] == 1
            assert SECRET not in result["stdout"] + result["stderr"]
    assert SECRET not in caplog.text


@pytest.mark.postgres
def test_password_never_shows_on_a_working_connection(
    pg_role: str, caplog: pytest.LogCaptureFixture
) -> None:
    """repr, location, check and dump output, failures and debug logs: no password anywhere."""
    caplog.set_level(logging.DEBUG)
    with ModelRegistry(pg_role, actor="secret@test") as registry:
        model_id = registry.register_model("m", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
        said = [
            repr(registry),
            registry.location,
            str(registry._storage.target),
            repr(registry._storage.target),
        ]
        said.append(json.dumps(registry.check().to_dict()))
        said.append(json.dumps(registry.dump_bundle()))
        for failing in (
            lambda: registry.backup("copy.db"),
            lambda: registry.promote_model(model_id + 100, "production"),
            lambda: registry._storage.db.execute_sql("SELECT * FROM no_such_table"),
        ):
            try:
                failing()
            except Exception as exc:
                said.append(_everything_said(exc))
        for argv in (["list"], ["check"], ["get", "--model-id", str(model_id)], ["backup", "x"]):
            result = cli({"argv": ["--db", pg_role, *argv]})
            said += [result["stdout"], result["stderr"]]
    assert all(SECRET not in text for text in said)
    assert SECRET not in caplog.text


def test_new_sqlite_files_are_private(tmp_path: Path) -> None:
    """A new database, its WAL and shared-memory files, backups and bundles: mode 0600."""
    old = os.umask(0o022)
    try:
        db = tmp_path / "models.db"
        with ModelRegistry(db) as registry:
            registry.register_model("m", "1.0.0", "/c.pt", "t", verify_checkpoint=False)
            wal, shm = tmp_path / "models.db-wal", tmp_path / "models.db-shm"
            assert wal.exists() and shm.exists()
            made = [db, wal, shm, registry.backup(tmp_path / "copy.db")]
            made.append(registry.dump(tmp_path / "bundle.json"))
            for path in made:
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        os.umask(old)
