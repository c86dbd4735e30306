-- Keyward schema, version 3: user accounts, their per-address sign-in failures and their console
-- sessions (core/store/account.hpp), and the suspension of an account's token.
-- Times are INTEGER seconds since the Unix epoch. Email keys (core::EmailKey: ASCII folded to
-- lower case, everything else exact) are computed by Keyward, not by a collation.
-- An account's token is an api_keys row with source 'account' and its account_id; api_keys keeps
-- no foreign key to accounts (V001), so Keyward deletes the token before the account.
-- A session's id is never stored, only its digest (hex).

CREATE TABLE accounts (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  email                TEXT    NOT NULL,
  email_key            TEXT    NOT NULL UNIQUE,
  type                 TEXT    NOT NULL DEFAULT 'local',
  role_id              INTEGER NOT NULL REFERENCES roles (id),
  access_level         TEXT    NOT NULL
                       CHECK (access_level IN ('console_and_api', 'api_only', 'console_only')),
  given_name           TEXT    NOT NULL DEFAULT '',
  surname              TEXT    NOT NULL DEFAULT '',
  description          TEXT    NOT NULL DEFAULT '',
  locale               TEXT    NOT NULL,
  time_zone            TEXT    NOT NULL,
  enabled              INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  -- argon2id, encoded; '' when no password is set.
  password_hash        TEXT    NOT NULL DEFAULT '',
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  created_at           INTEGER NOT NULL,
  password_changed_at  INTEGER
);

CREATE INDEX accounts_role_id ON accounts (role_id);

CREATE TABLE sign_in_failures (
  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  ip           TEXT    NOT NULL,
  failures     INTEGER NOT NULL CHECK (failures >= 0),
  locked_until INTEGER,
  PRIMARY KEY (account_id, ip)
) WITHOUT ROWID;

CREATE TABLE sessions (
  id_hash      TEXT    PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  ip           TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_account_id ON sessions (account_id);

-- An account's token whose account is disabled or has lost API access: it authenticates nothing
-- and shows as disabled, while its own enabled flag is kept.
ALTER TABLE api_keys ADD COLUMN account_suspended INTEGER NOT NULL DEFAULT 0
  CHECK (account_suspended IN (0, 1));
