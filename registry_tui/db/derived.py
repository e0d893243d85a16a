"""Derived data kept current by the database itself, for every writer.

``model_metrics`` (one row per numeric metric), ``models.version_key`` (the
semantic-version sort key) and the trigram name index are facts derived from
the guide's ``models`` rows. Code that knows nothing of them, such as the
guide's own ``ModelRegistry`` writing with plain ``sqlite3`` into a migrated
file, must still be found by every listing, so triggers on ``models`` derive
them on insert and update, on SQLite and PostgreSQL alike.

The SQL version key matches :func:`registry_tui.versions.sort_key_or_none`
(a test compares the two over a corpus of valid and invalid versions).
"""

from __future__ import annotations

import peewee

NAMES = "model_names"
NAME_INDEX = "model_names_trigram"

# A semantic version split into identifiers in pure SQL, then validated and
# turned into the key; NULL for anything that is not semver. ``{v}`` is the
# version expression (``NEW.version`` in a trigger).
_SQLITE_VERSION_KEY = """(WITH RECURSIVE
  b(cp, bu) AS (SELECT
      CASE WHEN instr({v}, '+') > 0 THEN substr({v}, 1, instr({v}, '+') - 1) ELSE {v} END,
      CASE WHEN instr({v}, '+') > 0 THEN substr({v}, instr({v}, '+') + 1) END),
  c(co, pr, bu) AS (SELECT
      CASE WHEN instr(cp, '-') > 0 THEN substr(cp, 1, instr(cp, '-') - 1) ELSE cp END,
      CASE WHEN instr(cp, '-') > 0 THEN substr(cp, instr(cp, '-') + 1) END, bu FROM b),
  p(kind, rest, ident, n) AS (
      SELECT 'c', co || '.', NULL, 0 FROM c
      UNION ALL SELECT 'p', pr || '.', NULL, 0 FROM c WHERE pr IS NOT NULL
      UNION ALL SELECT 'b', bu || '.', NULL, 0 FROM c WHERE bu IS NOT NULL
      UNION ALL SELECT kind, substr(rest, instr(rest, '.') + 1),
          substr(rest, 1, instr(rest, '.') - 1), n + 1 FROM p WHERE rest <> ''),
  i(kind, ident, n, num) AS (
      SELECT kind, ident, n, ident <> '' AND ident NOT GLOB '*[^0-9]*' FROM p WHERE n > 0)
SELECT CASE WHEN length({v}) <= 128
    AND (SELECT count(*) FROM i WHERE kind = 'c') = 3
    AND NOT EXISTS (SELECT 1 FROM i WHERE ident = ''
        OR (kind = 'c' AND NOT num)
        OR (kind <> 'c' AND ident GLOB '*[^0-9A-Za-z-]*')
        OR (kind <> 'b' AND num AND ident GLOB '0?*'))
  THEN (SELECT group_concat(printf('%03d', length(ident)) || ident, '.')
        FROM (SELECT ident FROM i WHERE kind = 'c' ORDER BY n))
    || COALESCE('-' || (SELECT group_concat(CASE WHEN num
            THEN '0' || printf('%03d', length(ident)) || ident ELSE '1' || ident END, '!')
        FROM (SELECT ident, num FROM i WHERE kind = 'p' ORDER BY n)), '~')
  END)"""

# Finite numbers only (json_each reports 1e999 as a real infinity; bools are
# 'true'/'false'), as registry_tui.metrics.numeric_items keeps.
_SQLITE_METRIC_ROWS = """INSERT OR IGNORE INTO model_metrics (model_id, metric, value)
    SELECT NEW.model_id, key, value FROM json_each(NEW.metrics)
    WHERE json_valid(NEW.metrics) AND json_type(NEW.metrics) = 'object'
      AND type IN ('integer', 'real')
      AND value BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308;"""

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS models_derive_insert AFTER INSERT ON models
    BEGIN
      {_SQLITE_METRIC_ROWS}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS models_derive_version_insert AFTER INSERT ON models
    WHEN NEW.version_key IS NULL
    BEGIN
      UPDATE models SET version_key = {_SQLITE_VERSION_KEY.format(v="NEW.version")}
        WHERE model_id = NEW.model_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS models_derive_metrics AFTER UPDATE OF metrics ON models
    BEGIN
      DELETE FROM model_metrics WHERE model_id = NEW.model_id;
      {_SQLITE_METRIC_ROWS}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS models_derive_version AFTER UPDATE OF version ON models
    WHEN NEW.version IS NOT OLD.version
    BEGIN
      UPDATE models SET version_key = {_SQLITE_VERSION_KEY.format(v="NEW.version")}
        WHERE model_id = NEW.model_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS models_derive_delete AFTER DELETE ON models
    BEGIN
      DELETE FROM model_metrics WHERE model_id = OLD.model_id;
    END""",
    # A writer that also inserts the metric rows itself (older registry-tui
    # code, a load) finds them already there: its duplicate rows are skipped.
    """CREATE TRIGGER IF NOT EXISTS model_metrics_once BEFORE INSERT ON model_metrics
    WHEN EXISTS (SELECT 1 FROM model_metrics
                 WHERE model_id = NEW.model_id AND metric = NEW.metric)
    BEGIN
      SELECT RAISE(IGNORE);
    END""",
]

SQLITE_TRIGGER_NAMES = (
    "models_derive_insert",
    "models_derive_version_insert",
    "models_derive_metrics",
    "models_derive_version",
    "models_derive_delete",
    "model_metrics_once",
    "models_name_insert",
    "models_name_update",
    "model_names_insert",
)

# Distinct names, so that substring and glob searches look at a few thousand
# names rather than a million models (the models are then found through the
# name index). Names are never removed: a name with no model left only costs
# a row, and keeping it avoids racing a concurrent registration of the same
# name. The names themselves get a trigram index when SQLite has FTS5.
SQLITE_NAMES = [
    f"""CREATE TABLE IF NOT EXISTS {NAMES} (
        name_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)""",
    f"INSERT OR IGNORE INTO {NAMES} (name) SELECT DISTINCT name FROM models",
    f"""CREATE TRIGGER IF NOT EXISTS models_name_insert AFTER INSERT ON models BEGIN
      INSERT OR IGNORE INTO {NAMES} (name) VALUES (NEW.name);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS models_name_update AFTER UPDATE OF name ON models BEGIN
      INSERT OR IGNORE INTO {NAMES} (name) VALUES (NEW.name);
    END""",
]

SQLITE_NAME_INDEX = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {NAME_INDEX} USING fts5(
        name, content='{NAMES}', content_rowid='name_id', tokenize='trigram')""",
    f"INSERT INTO {NAME_INDEX} ({NAME_INDEX}) VALUES ('rebuild')",
    f"""CREATE TRIGGER IF NOT EXISTS model_names_insert AFTER INSERT ON {NAMES} BEGIN
      INSERT INTO {NAME_INDEX} (rowid, name) VALUES (NEW.name_id, NEW.name);
    END""",
]

PG_FUNCTIONS = [
    r"""CREATE OR REPLACE FUNCTION registry_version_key(v text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE
      m text[];
      key text;
      ident text;
      parts text[] := '{}';
    BEGIN
      IF v IS NULL OR length(v) > 128 THEN RETURN NULL; END IF;
      m := regexp_match(v, '^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)'
        '(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)'
        '(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?'
        '(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$');
      IF m IS NULL THEN RETURN NULL; END IF;
      key := lpad(length(m[1])::text, 3, '0') || m[1] || '.'
          || lpad(length(m[2])::text, 3, '0') || m[2] || '.'
          || lpad(length(m[3])::text, 3, '0') || m[3];
      IF m[4] IS NULL THEN RETURN key || '~'; END IF;
      FOREACH ident IN ARRAY string_to_array(m[4], '.') LOOP
        IF ident ~ '^[0-9]+$' THEN
          parts := parts || ('0' || lpad(length(ident)::text, 3, '0') || ident);
        ELSE
          parts := parts || ('1' || ident);
        END IF;
      END LOOP;
      RETURN key || '-' || array_to_string(parts, '!');
    END $$""",
    """CREATE OR REPLACE FUNCTION registry_derive_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.version_key IS NULL THEN
          NEW.version_key := registry_version_key(NEW.version);
        END IF;
      ELSIF NEW.version IS DISTINCT FROM OLD.version THEN
        NEW.version_key := registry_version_key(NEW.version);
      END IF;
      RETURN NEW;
    END $$""",
    # Legacy metrics text may not be JSON at all (or hold NaN): such rows are
    # stored as written and simply have no indexed metrics.
    """CREATE OR REPLACE FUNCTION registry_derive_metrics() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
      doc jsonb;
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        DELETE FROM model_metrics WHERE model_id = NEW.model_id;
      END IF;
      BEGIN
        doc := NEW.metrics::jsonb;
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END;
      IF doc IS NULL OR jsonb_typeof(doc) <> 'object' THEN RETURN NULL; END IF;
      INSERT INTO model_metrics (model_id, metric, value)
        SELECT NEW.model_id, e.key, (e.value #>> '{}')::double precision
        FROM jsonb_each(doc) AS e WHERE jsonb_typeof(e.value) = 'number'
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION registry_metric_once() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM model_metrics
                 WHERE model_id = NEW.model_id AND metric = NEW.metric) THEN
        RETURN NULL;
      END IF;
      RETURN NEW;
    END $$""",
]

PG_NAMES = [
    f"""CREATE TABLE IF NOT EXISTS {NAMES} (
        name_id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE)""",
    f"""INSERT INTO {NAMES} (name) SELECT DISTINCT name FROM models
        ON CONFLICT DO NOTHING""",
    f"""CREATE OR REPLACE FUNCTION registry_derive_name() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO {NAMES} (name) VALUES (NEW.name) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$""",
]

PG_TRIGGERS = [
    ("models_derive_name", "AFTER INSERT OR UPDATE OF name ON models", "registry_derive_name"),
    (
        "models_derive_version",
        "BEFORE INSERT OR UPDATE OF version ON models",
        "registry_derive_version",
    ),
    (
        "models_derive_metrics",
        "AFTER INSERT OR UPDATE OF metrics ON models",
        "registry_derive_metrics",
    ),
    ("model_metrics_once", "BEFORE INSERT ON model_metrics", "registry_metric_once"),
]


def install_sqlite(db: peewee.Database) -> bool:
    """Create the SQLite triggers, the names table and its trigram index (False without FTS5)."""
    for sql in SQLITE_TRIGGERS + SQLITE_NAMES:
        db.execute_sql(sql)
    try:
        with db.atomic():
            for sql in SQLITE_NAME_INDEX:
                db.execute_sql(sql)
    except peewee.OperationalError:
        return False  # an SQLite built without FTS5 or its trigram tokenizer
    return True


def install_pg(db: peewee.Database) -> bool:
    """Create the PostgreSQL triggers and, when the role may, the ``pg_trgm`` name index."""
    for sql in PG_FUNCTIONS + PG_NAMES:
        db.execute_sql(sql)
    for name, when, function in PG_TRIGGERS:
        table = when.rsplit(" ", 1)[-1]
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        db.execute_sql(f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {function}()")
    try:
        with db.atomic():
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    except peewee.DatabaseError:
        pass  # not allowed to create it: it may still be installed by an administrator
    row = db.execute_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ).fetchone()
    if row is None:
        return False  # the role may not create extensions; name search scans instead
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} ON models USING gin (name {row[0]}.gin_trgm_ops)"
    )
    return True
