"""Crash durability on PostgreSQL: test_crash.py's test (four writers, at least 20 SIGKILLs of the
Keyward node at random moments, then every acknowledged write there with its audit event, every
write in flight at a kill whole or absent, no event without its object, the audit chain verifying
over every event, lockout counts exact) run against a node on a real PostgreSQL server
(pg_server.py) instead of the embedded SQLite file. The server keeps running through the kills:
what is killed is the node, mid-transaction. The rows are read straight from PostgreSQL after each
kill (there is no file to copy), and the B-tree indexes of Keyward's tables are checked with
PostgreSQL's amcheck.
"""

import unittest

import test_crash
from harness import write_pepper_file
from pg_server import PgServer


class PostgresCrashDurability(test_crash.CrashDurability):

    def setUp(self):
        super().setUp()
        # fsync on, as in production: the node's kills test Keyward, not a lenient server.
        self.pg = PgServer(fsync=True)
        self.pg.start()
        self.addCleanup(self.pg.close)
        self.db_url = self.pg.create_database()
        self.pepper_file, _ = write_pepper_file(self.workdir)
        self.pg.psql(self.db_url, "CREATE EXTENSION IF NOT EXISTS amcheck")

    def start_server(self, server_class=None, **kwargs):
        kwargs.setdefault("database", self.db_url)
        kwargs.setdefault("pepper_file", self.pepper_file)
        return super().start_server(server_class, **kwargs)

    def check_file(self, server):
        """The killed node's writes as PostgreSQL holds them: its indexes intact, the audit rows
        and the key rows."""
        self.pg.psql(self.db_url,
                     "SELECT bt_index_check(c.oid, true) FROM pg_index i"
                     " JOIN pg_class c ON c.oid = i.indexrelid"
                     " JOIN pg_am am ON am.oid = c.relam"
                     " WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace")
        events = []
        for line in self.rows("SELECT id, action, target FROM audit_events ORDER BY id"):
            event_id, action, target = line.split("|", 2)
            events.append((int(event_id), action, target))
        keys = {}
        for line in self.rows("SELECT id, failed_attempts FROM api_keys"):
            key_id, failed = line.split("|")
            keys[key_id] = int(failed)
        return events, keys

    def rows(self, sql):
        out = self.pg.psql(self.db_url, sql)
        return [line for line in out.split("\n") if line]


if __name__ == "__main__":
    unittest.main()
