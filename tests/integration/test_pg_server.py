"""The integration tests' PostgreSQL server (pg_server.py): it starts, serves a database of its
own to each caller over loopback, survives an outage with its data, and leaves nothing behind."""

import os
import re
import subprocess
import sys
import time
import unittest

from pg_server import PgServer, PgServerError, postmaster_pid, process_alive

HERE = os.path.dirname(os.path.abspath(__file__))


def eventually(done, limit=30.0):
    """Waits (bounded) for done() to be true; returns whether it came true."""
    deadline = time.monotonic() + limit
    while not done():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


class PgServerTest(unittest.TestCase):
    def test_serves_a_new_database_over_loopback(self):
        with PgServer() as pg:
            url = pg.create_database()
            self.assertEqual(url, "postgresql://postgres@127.0.0.1:%d/%s"
                             % (pg.port, url.rsplit("/", 1)[1]))
            pg.psql(url, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')")
            self.assertEqual(pg.psql(url, "SELECT v FROM t"), "kept")
            self.assertEqual(pg.psql(url, "SHOW listen_addresses"), "127.0.0.1")
            self.assertEqual(pg.psql(url, "SHOW fsync"), "off")
            other = pg.create_database()
            self.assertNotEqual(other, url)
            self.assertEqual(pg.psql(other, "SELECT count(*) FROM pg_tables "
                                            "WHERE schemaname = 'public'"), "0")

    def test_stop_refuses_connections_and_start_brings_back_the_data(self):
        with PgServer() as pg:
            port = pg.port
            url = pg.create_database()
            pg.psql(url, "CREATE TABLE t AS SELECT 'before the outage' AS v")
            pg.stop()
            self.assertFalse(pg.running)
            code, output = pg.psql(url, "SELECT 1", check=False)
            self.assertNotEqual(code, 0)
            self.assertIn("Connection refused", output)
            with self.assertRaises(PgServerError):
                pg.psql(url, "SELECT 1")
            pg.start()
            self.assertEqual(pg.port, port)
            self.assertEqual(pg.psql(url, "SELECT v FROM t"), "before the outage")

    def test_close_leaves_no_process_and_no_directory(self):
        pg = PgServer()
        pg.start()
        directory, pid = pg.dir, postmaster_pid(pg)
        self.assertTrue(pid and process_alive(pid))
        pg.close()
        self.assertFalse(os.path.exists(directory))
        self.assertTrue(eventually(lambda: not process_alive(pid), 10.0))

    def test_fsync_stays_on_when_asked_for(self):
        with PgServer(fsync=True) as pg:
            self.assertEqual(pg.psql("postgres", "SHOW fsync"), "on")

    def test_a_server_that_cannot_start_raises_one_error_with_the_log_and_leaves_nothing(self):
        pg = PgServer(shared_buffers="plenty")
        with self.assertRaises(PgServerError) as raised:
            pg.start()
        text = str(raised.exception)
        self.assertIn("PostgreSQL did not start", text)
        self.assertIn("pg_ctl start", text)
        self.assertIn('invalid value for parameter "shared_buffers"', text)
        directory = re.search(r"/tmp/keyward-pg-[^/]+", text).group(0)
        self.assertFalse(os.path.exists(directory))
        self.assertFalse(pg.running)

    def test_watchdog_stops_the_server_of_a_process_killed_without_cleaning_up(self):
        child = ("import os, signal, pg_server\n"
                 "pg = pg_server.PgServer(); pg.start()\n"
                 "print(pg_server.postmaster_pid(pg), pg.dir, flush=True)\n"
                 "os.kill(os.getpid(), signal.SIGKILL)\n")
        done = subprocess.run([sys.executable, "-c", child], cwd=HERE, capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(done.returncode, -9, done.stderr)
        pid, directory = done.stdout.split()
        self.assertTrue(directory.startswith("/tmp/keyward-pg-"), directory)
        self.assertTrue(eventually(lambda: not process_alive(int(pid))))
        self.assertTrue(eventually(lambda: not os.path.exists(directory)))


if __name__ == "__main__":
    unittest.main()
