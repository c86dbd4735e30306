-- A one-time password signs in once (core::Account::one_time_password_used): set by the sign-in
-- it opens, cleared by a password change or a new reset.
ALTER TABLE accounts ADD COLUMN one_time_password_used INTEGER NOT NULL DEFAULT 0;
