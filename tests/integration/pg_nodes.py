"""Shared by the integration modules that run Keyward nodes on one PostgreSQL database
(test_postgres_nodes, test_postgres_outage): one throwaway server per module (pg_server.py), a
fresh database per test, one pepper file per test shared by its nodes, and the polls these tests
make. docs/architecture.md "Storage and scale" describes what they check."""

import time

from harness import KeywardTestCase, Server, write_pepper_file
from pg_server import PgServer

# How often a bounded wait asks again, in seconds.
POLL_INTERVAL = 0.03


class NodesTestCase(KeywardTestCase):
    """One PostgreSQL server for the class; a database, a pepper file and nodes per test."""

    pg = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two nodes hold a pool of 8 and a feed connection each; a spare node, psql and the
        # connections a stopped node has not closed yet stay well within 100.
        cls.pg = PgServer(max_connections=100)
        try:
            cls.pg.start()
        except BaseException:
            cls.pg.close()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.pg is not None:
            cls.pg.close()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.database = self.pg.create_database()
        self.pepper_file, self.pepper_text = write_pepper_file(self.workdir)

    def start_node(self, extra_args=(), key_file=False, password_file=False, pepper_file=None,
                   start=True, database=None):
        """A node on this test's database (or `database`, a URL), stopped at the end of the test,
        which asserts its clean exit; not started when `start` is false (the caller calls
        start())."""
        if not start:
            server = Server(self.workdir, extra_args=list(extra_args), key_file=key_file,
                            password_file=password_file, database=database or self.database,
                            pepper_file=pepper_file or self.pepper_file)
            self.addCleanup(server.kill)
            self.addCleanup(server.stop)
            return server
        return self.start_server(extra_args=list(extra_args), key_file=key_file,
                                 password_file=password_file, database=database or self.database,
                                 pepper_file=pepper_file or self.pepper_file)

    def start_two_nodes(self, extra_args=(), password_file=False):
        """Node A on the empty database (it issues the bootstrap key, read from its key file),
        then node B on the store A made. Sets self.a, self.b and self.admin."""
        self.a = self.start_node(extra_args, key_file=True, password_file=password_file)
        self.admin = self.a.bootstrap_key()
        self.b = self.start_node(extra_args)
        return self.a, self.b

    def sql(self, query):
        """Runs `query` on this test's database with psql; its output, one row a line."""
        return self.pg.psql(self.database, query)

    # --- verification ---

    def verify(self, node, token, **fields):
        """POST /v1/keys/verify of `token` on `node` as the bootstrap admin; the response."""
        body = {"key": token}
        body.update(fields)
        return node.post("/v1/keys/verify", body, token=self.admin)

    def verify_code(self, node, token):
        resp = self.verify(node, token)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()["code"]

    def authz(self, node, token, permission=None):
        path = "/v1/authz" + ("?permission=" + permission if permission else "")
        return node.get(path, headers={"Authorization": "Bearer " + token})

    # --- bounded waits ---

    def wait_until(self, what, check, deadline, start=None, interval=POLL_INTERVAL):
        """Calls `check` every `interval` seconds until it returns something true, and returns
        (that result, seconds since `start`); fails once `deadline` seconds have passed since
        `start` (a time.monotonic(), now by default). A try that began within the deadline
        counts, however long its request took; none begins after it."""
        start = time.monotonic() if start is None else start
        while True:
            if time.monotonic() - start > deadline:
                self.fail("%s: not within %.1f s" % (what, deadline))
            result = check()
            if result:
                return result, time.monotonic() - start
            time.sleep(interval)


def report(text):
    """Prints a measurement for the person reading the test's output (never asserted)."""
    print("    [measured] " + text, flush=True)
