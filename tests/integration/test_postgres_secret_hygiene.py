"""Secret hygiene on PostgreSQL: test_secret_hygiene.py's test (every kind of secret issued, every
error path forced, then every place searched for every secret and the pepper) with the node on a
real PostgreSQL server (pg_server.py). The store's files searched are the server's own: the
database's directory and the write-ahead log while the node runs, then the same after the node
stops and a CHECKPOINT has written everything into the tables' files; and a pg_dump of the
database.
"""

import os
import subprocess
import unittest

import test_secret_hygiene
from harness import write_pepper_file
from pg_server import PgServer


class PostgresSecretHygiene(test_secret_hygiene.SecretHygiene):

    def setUp(self):
        # The store is made before the base class starts the server.
        self.pg = PgServer()
        self.pg.start()
        self.db_url = self.pg.create_database()
        self.pepper_file = None
        super().setUp()
        self.addCleanup(self.pg.close)

    def start_server(self, server_class=None, **kwargs):
        if self.pepper_file is None:
            self.pepper_file, _ = write_pepper_file(self.workdir)
        kwargs.setdefault("database", self.db_url)
        kwargs.setdefault("pepper_file", self.pepper_file)
        return super().start_server(server_class, **kwargs)

    def pepper_path(self):
        return self.pepper_file

    def check_store_files(self, stage):
        if stage == "stopped":
            self.pg.psql(self.db_url, "CHECKPOINT")
        oid = self.pg.psql(self.db_url,
                           "SELECT oid FROM pg_database WHERE datname = current_database()")
        searched = 0
        for folder in (os.path.join("base", oid), "pg_wal"):
            top = os.path.join(self.pg.data_dir, folder)
            for where, _, names in os.walk(top):
                for name in names:
                    path = os.path.join(where, name)
                    with open(path, "rb") as f:
                        data = f.read()
                    searched += len(data)
                    self.assert_clean("PostgreSQL, %s: %s" % (stage, os.path.relpath(
                        path, self.pg.data_dir)), data)
        self.assertGreater(searched, 1 << 20, "the server's files were not found")
        dump = subprocess.run([self.pg.program("pg_dump"), "-d", self.db_url],
                              capture_output=True, timeout=120, check=True).stdout
        self.assertIn(b"audit_events", dump)
        self.assert_clean("pg_dump, %s" % stage, dump)


if __name__ == "__main__":
    unittest.main()
