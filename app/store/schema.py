"""Schema of the case file and its migrations.

The schema version lives in ``PRAGMA user_version``; ``PRAGMA application_id``
marks the file as ours so that a random SQLite file is refused with a clear
message. Each migration runs in the same transaction as the version bump, so
a crash mid-migration leaves the old version intact.
"""

from __future__ import annotations

import sqlite3

# "EVBD" as a 32-bit big-endian integer.
APPLICATION_ID = 0x45564244

MIGRATIONS: list[str] = [
    # 1: the walking skeleton.
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- Evidence bytes, content-addressed by SHA-256 and stored in 1 MiB chunks
    -- so that large files stream in and out without being held in memory.
    CREATE TABLE objects (
        id      INTEGER PRIMARY KEY,
        sha256  TEXT NOT NULL UNIQUE,
        sha512  TEXT NOT NULL,
        size    INTEGER NOT NULL
    );
    CREATE TABLE chunks (
        object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,
        data      BLOB NOT NULL,
        PRIMARY KEY (object_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE items (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL,
        name          TEXT NOT NULL,
        original_name TEXT NOT NULL,
        sha256        TEXT NOT NULL REFERENCES objects(sha256),
        acquired_at   TEXT NOT NULL,
        acquired_by   TEXT NOT NULL,
        source_path   TEXT NOT NULL,
        parse_status  TEXT NOT NULL,
        parse_error   TEXT NOT NULL DEFAULT '',
        record        TEXT NOT NULL DEFAULT '{}',
        metadata      TEXT NOT NULL DEFAULT '{}',
        parent_id     INTEGER REFERENCES items(id)
    );
    CREATE INDEX items_sha256 ON items(sha256);
    CREATE INDEX items_kind ON items(kind);
    CREATE TABLE exhibits (
        id          INTEGER PRIMARY KEY,
        number      INTEGER NOT NULL UNIQUE,
        item_id     INTEGER NOT NULL UNIQUE REFERENCES items(id),
        description TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE domains (
        id          INTEGER PRIMARY KEY,
        ascii       TEXT NOT NULL UNIQUE,
        unicode     TEXT NOT NULL,
        tld         TEXT NOT NULL,
        registrable TEXT NOT NULL,
        registry_id TEXT NOT NULL,
        added_at    TEXT NOT NULL,
        source      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX domains_registry ON domains(registry_id, registrable, ascii);
    CREATE TABLE custody (
        seq        INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        actor      TEXT NOT NULL,
        action     TEXT NOT NULL,
        item_id    INTEGER,
        sha256     TEXT,
        details    TEXT NOT NULL,
        prev_hash  TEXT NOT NULL,
        entry_hash TEXT NOT NULL UNIQUE
    );
    """,
    # 2 (issue 3): look-alike flags kept with each domain; registry names and addresses
    # corrected by the user, kept with the case and used by Appendix A.
    """
    ALTER TABLE domains ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE registry_overrides (
        registry_id TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        address     TEXT NOT NULL DEFAULT '[]',
        tlds        TEXT NOT NULL DEFAULT '[]',
        note        TEXT NOT NULL DEFAULT '',
        changed_at  TEXT NOT NULL,
        changed_by  TEXT NOT NULL
    );
    -- The domains page filters a million rows down to the flagged ones without a full scan.
    CREATE INDEX domains_flagged ON domains(registry_id, registrable, ascii) WHERE flags != '[]';
    """,
    # 3 (issue 6): counsel's edits to the drafted declaration paragraphs (NULL text keeps the
    # drafted words) and the Rule 5.2 redactions counsel confirmed for rendered exhibits.
    """
    CREATE TABLE paragraphs (
        key      TEXT PRIMARY KEY,
        section  TEXT NOT NULL,
        position INTEGER NOT NULL,
        text     TEXT,
        removed  INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE redactions (
        id           INTEGER PRIMARY KEY,
        item_id      INTEGER NOT NULL REFERENCES items(id),
        text         TEXT NOT NULL,
        replacement  TEXT NOT NULL,
        reason       TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,
        UNIQUE (item_id, text)
    );
    """,
    # 4 (issue 6): Rule 5.2 candidates counsel reviewed and dismissed (not personal data), so
    # the review shows them as decided; the text stays in the rendered exhibit.
    """
    CREATE TABLE redaction_dismissals (
        id           INTEGER PRIMARY KEY,
        item_id      INTEGER NOT NULL REFERENCES items(id),
        text         TEXT NOT NULL,
        dismissed_at TEXT NOT NULL,
        UNIQUE (item_id, text)
    );
    """,
    # 5 (issue 13): the parties and counsel as data, not free text: what the caption, the declaration,
    # the order and the letters name, and what the evidence is matched against.
    """
    CREATE TABLE parties (
        id       INTEGER PRIMARY KEY,
        role     TEXT NOT NULL,
        position INTEGER NOT NULL,
        data     TEXT NOT NULL
    );
    CREATE TABLE people (
        role TEXT PRIMARY KEY,
        data TEXT NOT NULL
    );
    """,
    # 6 (issue 13): the user's decisions on the support links (which exhibit shows that a listed
    # domain belongs in the order, and how). Links derived from the evidence are not stored: they
    # are derived afresh at every render; a row here adds a link the evidence cannot show (with
    # the declarant's note), annotates a derived one, or takes a derived one out (removed = 1).
    # item_id and party_id are 0 for "none", so that the key stays unique without NULLs.
    """
    CREATE TABLE support_links (
        domain     TEXT NOT NULL,
        how        TEXT NOT NULL,
        item_id    INTEGER NOT NULL DEFAULT 0,
        party_id   INTEGER NOT NULL DEFAULT 0,
        note       TEXT NOT NULL DEFAULT '',
        removed    INTEGER NOT NULL DEFAULT 0,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (domain, how, item_id, party_id)
    );
    """,
    # 7 (litigator's review): the declarant's confirmation of a paragraph that states facts no
    # exhibit shows (counsel's words in place of a prompt, a paragraph counsel added). It holds
    # the SHA-256 of the words confirmed: changed words are unconfirmed again.
    """
    CREATE TABLE paragraph_confirmations (
        key          TEXT PRIMARY KEY,
        text_sha256  TEXT NOT NULL,
        confirmed_by TEXT NOT NULL DEFAULT '',
        confirmed_at TEXT NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the version found before migrating.

    The caller holds no transaction; each step runs in its own.
    """
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    for version in range(found, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return int(found)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
