-- Keyward schema for PostgreSQL, version 2: the audit trail becomes a hash chain
-- (core/audit/audit_chain.hpp). Each event keeps its predecessor's hash beside its own.
-- Indexes serve GET /v1/audit: each filter column with the id, newest first.

ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';

CREATE INDEX audit_events_time ON audit_events (time, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_target ON audit_events (target, id);
