-- Keyward schema, version 1: roles, API keys, the audit trail and small settings.
-- Times are INTEGER seconds since the Unix epoch. Name keys (core::NameKey: ASCII folded to lower
-- case, everything else exact) are computed by Keyward, not by a collation.
-- The built-in roles (ids 1, 2, 3) are written by Keyward at every open from core::BuiltInRoles(),
-- so their names and scopes always match the binary.

CREATE TABLE roles (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL,
  name_key    TEXT    NOT NULL UNIQUE,
  description TEXT    NOT NULL DEFAULT '',
  built_in    INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
  -- 'explicit' (the rows of role_permissions), 'all', 'all_but_tokens' or 'views'.
  scope       TEXT    NOT NULL DEFAULT 'explicit'
              CHECK (scope IN ('explicit', 'all', 'all_but_tokens', 'views'))
);

-- Custom roles get ids from 100 up, never reused after a delete (AUTOINCREMENT).
INSERT INTO sqlite_sequence (name, seq) VALUES ('roles', 99);

CREATE TABLE role_permissions (
  role_id    INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  permission TEXT    NOT NULL,
  PRIMARY KEY (role_id, permission)
) WITHOUT ROWID;

CREATE TABLE api_keys (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id           TEXT    NOT NULL UNIQUE,
  name                TEXT    NOT NULL,
  name_key            TEXT    NOT NULL UNIQUE,
  description         TEXT    NOT NULL DEFAULT '',
  role_id             INTEGER NOT NULL REFERENCES roles (id),
  locale              TEXT    NOT NULL,
  time_zone           TEXT    NOT NULL,
  enabled             INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  locked              INTEGER NOT NULL CHECK (locked IN (0, 1)),
  unlock_at           INTEGER,
  failed_attempts     INTEGER NOT NULL DEFAULT 0,
  expires_at          INTEGER,
  -- Canonical entries (core::Ipv4Range::ToString) joined by ','; '' admits every address.
  allowed_ips         TEXT    NOT NULL DEFAULT '',
  source              TEXT    NOT NULL
                      CHECK (source IN ('api', 'console', 'account', 'import')),
  account_id          INTEGER,
  created_at          INTEGER NOT NULL,
  last_used_at        INTEGER,
  secret_rotated_at   INTEGER,
  digest_version      INTEGER NOT NULL,
  digest              BLOB    NOT NULL CHECK (length(digest) = 32),
  prev_digest_version INTEGER,
  prev_digest         BLOB    CHECK (prev_digest IS NULL OR length(prev_digest) = 32),
  prev_digest_until   INTEGER
);

CREATE INDEX api_keys_role_id ON api_keys (role_id);
CREATE INDEX api_keys_account_id ON api_keys (account_id) WHERE account_id IS NOT NULL;

CREATE TABLE audit_events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  time    INTEGER NOT NULL,
  actor   TEXT    NOT NULL,
  action  TEXT    NOT NULL,
  target  TEXT    NOT NULL,
  ip      TEXT    NOT NULL,
  outcome TEXT    NOT NULL,
  details TEXT    NOT NULL,
  hash    TEXT    NOT NULL
);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
