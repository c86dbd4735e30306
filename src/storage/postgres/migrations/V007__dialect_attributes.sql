-- What a dialect keeps of a role or an account beyond Keyward's own fields (core::Role::
-- attributes, core::Account::attributes). JSON object text as the dialect wrote it, or ''.
ALTER TABLE roles ADD COLUMN attributes TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN attributes TEXT NOT NULL DEFAULT '';
