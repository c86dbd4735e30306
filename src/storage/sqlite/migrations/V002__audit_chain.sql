-- Keyward schema, version 2: the audit trail becomes a hash chain (core/audit/audit_chain.hpp).
-- Each event keeps its predecessor's hash beside its own; both are written by Keyward in the
-- unit of work that appends the event. Events written before this version have both empty until
-- core::SealUnchainedAuditEvents chains them.
-- Indexes serve GET /v1/audit: each filter column, newest first (the rowid, which is the id, is
-- part of every index entry, so "WHERE actor = ? ORDER BY id DESC" walks one index backwards).

ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';

CREATE INDEX audit_events_time ON audit_events (time);
CREATE INDEX audit_events_actor ON audit_events (actor);
CREATE INDEX audit_events_action ON audit_events (action);
CREATE INDEX audit_events_target ON audit_events (target);
