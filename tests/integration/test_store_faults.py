"""Store faults through the real binary (docs/architecture.md "Storage and scale", store faults):
a full database (--max-database-size), the data directory removed under the running server, and
the database locked by another process. For each: writes answer 503 naming the cause and leave
nothing half-done; verification goes on from the key index; /readyz stays 200 and names the fault
within the staleness limit (and fails past it); writes work again by themselves once the fault is
gone, with no restart.

Every wait polls with a generous deadline; nothing asserts a duration.
"""

import os
import shutil
import sqlite3
import time
import unittest

from harness import KEYS_PATH, KeywardTestCase, run_keyward

DB_NAME = "keyward.db"
FAULT_DEADLINE = 120.0  # seconds a poll may wait for what must come (a loaded ASan build)

FULL_MESSAGE = "the database is full"
LOCKED_MESSAGE = "the database is locked by another process"
REMOVED_MESSAGE = "the database file was removed or replaced"


class StoreFaultTestCase(KeywardTestCase):

    def start(self, *extra_args):
        self.server = self.start_server(extra_args=list(extra_args))
        self.admin = self.server.bootstrap_key()
        self.client = self.create_key(self.server, self.admin, "client")["secret"]
        self.db_path = os.path.join(self.server.data_dir, DB_NAME)

    def poll(self, what, check):
        """Calls `check` until it returns something true; fails after FAULT_DEADLINE."""
        deadline = time.monotonic() + FAULT_DEADLINE
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                self.fail("waited %.0f s for %s" % (FAULT_DEADLINE, what))
            time.sleep(0.2)

    def readyz(self):
        resp = self.server.get("/readyz")
        return resp.status, (resp.json() if resp.status == 200 else None)

    def assert_write_refused(self, name, cause):
        """A key create is 503 naming `cause`, and no part of it is kept."""
        resp = self.server.post(KEYS_PATH, {"name": name, "role": "Auditor"}, token=self.admin)
        error = self.assert_error(resp, 503, "unavailable")
        self.assertIn(cause, error["message"])
        self.assertNotIn(self.server.data_dir, error["message"])  # no path to the caller
        return resp

    def assert_not_kept(self, name):
        """Neither the key `name` nor an audit event of it exists (read once the store reads)."""
        resp = self.server.get(KEYS_PATH + "?limit=500&q=" + name.replace(" ", "%20"),
                               token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual([k for k in resp.json()["items"] if k["name"] == name], [])
        for event in self.audit_events(self.server, self.admin, action="apikey.create"):
            self.assertNotIn(name, str(event.get("details")), event)

    def assert_verification_goes_on(self):
        """The client's key authenticates at /v1/authz and verifies at /v1/keys/verify, and a
        well-formed token naming no key is still refused."""
        resp = self.server.get("/v1/authz", headers={"Authorization": "Bearer " + self.client})
        self.assertEqual(resp.status, 200, resp)
        resp = self.server.post("/v1/keys/verify", {"key": self.client}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["code"], "VALID", resp)

    def assert_degraded(self, cause):
        status, body = self.readyz()
        self.assertEqual(status, 200, body)
        self.assertEqual(body.get("status"), "ready", body)
        self.assertIn(cause, body.get("degraded", ""), body)

    def wait_healthy(self):
        """Polls /readyz until it is 200 with no fault named."""
        def healthy():
            status, body = self.readyz()
            return status == 200 and "degraded" not in body
        self.poll("/readyz to name no fault", healthy)


class FullDatabase(StoreFaultTestCase):

    def test_full_database_refuses_writes_until_space_is_freed(self):
        self.start("--max-database-size", str(1 << 20))
        # Room that the "disk" will free later: another file's pages, here a table another
        # process writes into the capped file. (Whether the server's own deletes free room
        # depends on the pages they empty: each also appends an audit event.)
        other = sqlite3.connect(self.db_path, timeout=60, isolation_level=None)
        self.addCleanup(other.close)
        other.execute("CREATE TABLE ballast (b BLOB)")
        other.execute("INSERT INTO ballast VALUES (zeroblob(262144))")
        filler, refused = [], None
        # Large keys until one does not fit, then small ones until none does.
        for description in ("x" * 1000, ""):
            for i in range(5000):
                resp = self.server.post(KEYS_PATH, {"name": "filler %d" % len(filler),
                                                    "role": "Auditor",
                                                    "description": description},
                                        token=self.admin)
                if resp.status != 201:
                    refused = resp
                    break
                filler.append(resp.json()["id"])
            self.assertIsNotNone(refused, "1 MiB never filled")
        error = self.assert_error(refused, 503, "unavailable")
        self.assertIn(FULL_MESSAGE, error["message"])
        self.assertGreater(len(filler), 10)
        self.assert_write_refused("refused while full", FULL_MESSAGE)
        # Reads go on (the store reads), verification goes on, /readyz names the fault.
        self.assert_not_kept("refused while full")
        self.assert_not_kept("filler %d" % len(filler))
        self.assert_verification_goes_on()
        self.assert_degraded(FULL_MESSAGE)
        # The fault goes when space is freed (the ballast dropped), and writes work again.
        other.execute("DROP TABLE ballast")
        self.create_key(self.server, self.admin, "after space was freed")
        resp = self.server.post(KEYS_PATH + "/delete", {"ids": filler[:10]}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.wait_healthy()
        self.assert_verification_goes_on()


class FaultSettings(KeywardTestCase):

    def test_a_cap_too_small_or_a_limit_of_zero_is_refused_before_anything_is_created(self):
        data_dir = os.path.join(self.workdir, "never-made")
        for flag, value, words in (("--max-database-size", "1000", "at least 1048576 bytes"),
                                   ("--index-staleness-limit", "0", "at least 1 second")):
            result = run_keyward(["serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                                  flag, value], workdir=self.workdir)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("%s %s: must be" % (flag, value), result.stderr)
            self.assertIn(words, result.stderr)
            self.assertFalse(os.path.exists(data_dir))


class RemovedDirectory(StoreFaultTestCase):

    def test_directory_moved_away_refuses_writes_until_moved_back(self):
        self.start()
        away = self.server.data_dir + ".away"
        os.rename(self.server.data_dir, away)
        moved = True
        try:
            self.assert_degraded(REMOVED_MESSAGE)  # seen at once: the path is checked live
            self.assert_write_refused("refused while moved", REMOVED_MESSAGE)
            # Reads go on from the open file; verification from the index.
            resp = self.server.get(KEYS_PATH, token=self.admin)
            self.assertEqual(resp.status, 200, resp)
            self.assert_verification_goes_on()
            os.rename(away, self.server.data_dir)
            moved = False
        finally:
            if moved:
                os.rename(away, self.server.data_dir)
        self.wait_healthy()
        made = self.create_key(self.server, self.admin, "after moving back")
        self.assert_not_kept("refused while moved")
        # What was acknowledged is in the file at the path, as a restart shows.
        self.server.stop()
        again = self.start_server(data_dir=self.server.data_dir)
        resp = again.get(KEYS_PATH + "/" + made["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)

    def test_directory_removed_refuses_writes_until_restored_from_a_copy(self):
        self.start()
        kept = self.create_key(self.server, self.admin, "before the backup")
        # The operator's backup: SQLite's online backup and the pepper file.
        backup = os.path.join(self.workdir, "backup")
        os.mkdir(backup)
        source = sqlite3.connect(self.db_path)
        target = sqlite3.connect(os.path.join(backup, DB_NAME))
        source.backup(target)
        target.close()
        source.close()
        shutil.copy2(os.path.join(self.server.data_dir, "pepper"), backup)
        shutil.rmtree(self.server.data_dir)
        self.assert_degraded(REMOVED_MESSAGE)
        self.assert_write_refused("refused while removed", REMOVED_MESSAGE)
        self.assert_verification_goes_on()
        # Restored: the store reopens the copy at the path by itself.
        shutil.copytree(backup, self.server.data_dir)
        os.chmod(self.server.data_dir, 0o700)
        made = self.create_key(self.server, self.admin, "after the restore")
        self.wait_healthy()
        self.assert_not_kept("refused while removed")
        for key in (kept, made):
            resp = self.server.get(KEYS_PATH + "/" + key["id"], token=self.admin)
            self.assertEqual(resp.status, 200, resp)
        self.assert_verification_goes_on()
        self.server.stop()
        again = self.start_server(data_dir=self.server.data_dir)
        resp = again.get(KEYS_PATH + "/" + made["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)


class LockedDatabase(StoreFaultTestCase):

    STALENESS_LIMIT = 30  # seconds: well past the 5 s busy wait of a refused write

    def test_locked_database_refuses_writes_ready_within_the_staleness_limit(self):
        self.start("--index-staleness-limit", str(self.STALENESS_LIMIT))
        other = sqlite3.connect(self.db_path, timeout=60, isolation_level=None)
        self.addCleanup(other.close)
        other.execute("BEGIN IMMEDIATE")
        locked = True
        try:
            self.assert_write_refused("refused while locked", LOCKED_MESSAGE)
            self.assert_degraded(LOCKED_MESSAGE)
            self.assert_verification_goes_on()
            # Past the limit the index is not trusted: /readyz fails, verification refuses.
            self.poll("/readyz to fail past the staleness limit",
                      lambda: self.readyz()[0] == 503)
            def refused():
                resp = self.server.post("/v1/keys/verify", {"key": self.client},
                                        token=self.admin)
                return (resp.status, resp.json().get("code")) != (200, "VALID")
            self.poll("verification to refuse past the staleness limit", refused)
            other.execute("ROLLBACK")
            locked = False
        finally:
            if locked:
                other.execute("ROLLBACK")
        self.wait_healthy()
        self.create_key(self.server, self.admin, "after the lock")
        self.assert_not_kept("refused while locked")
        self.assert_verification_goes_on()


if __name__ == "__main__":
    unittest.main()
