-- When the previous secret of a rotation grace period was last used (core::ApiKey::
-- previous_secret_last_used_at): the API key object's previousSecret.lastUsedAt.
ALTER TABLE api_keys ADD COLUMN prev_last_used_at BIGINT;
