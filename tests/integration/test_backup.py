"""Backup and restore of the embedded store (docs/operations.md "Backup and restore").

`keyward backup FILE` copies the store while a server runs and writes; `keyward restore FILE
--data-dir DIR` puts a checked copy into an empty data directory; a server started on it with the
store's pepper has every write acknowledged before the backup began, the audit chain verifies and
the keys verify. The refusals: backup over an existing file or of a PostgreSQL store; restore into
a non-empty directory, of a file that is not a database, is damaged, or has a newer schema; a
server on a restored store without its pepper (no pepper file is created) or with another pepper.

Shown able to fail: a backup that copies keyward.db alone (as `cp` would, leaving the writes
still in the -wal file behind) fails test_backup_under_write_load (tried: under this load the copy
lacked even the schema, so the restore refused it; with less in the WAL, acknowledged keys would
be missing). A binary without the missing-pepper check (tried: the one before this change) makes a
new DATA_DIR/pepper and only then refuses with the pepper mismatch, so
test_a_restored_store_without_its_pepper_is_refused fails on both its message and the file.
"""

import base64
import os
import sqlite3
import stat
import threading
import time
import unittest

from harness import KeywardTestCase, Server, run_keyward, write_pepper_file

WRITERS = 6


def pepper_secrets(path):
    """The base64 texts of a pepper file and their bytes, to look for in other files."""
    out = []
    with open(path, encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit():
                out.append(parts[1].encode("ascii"))
                out.append(base64.b64decode(parts[1]))
    return out


class BackupAndRestore(KeywardTestCase):
    def backup(self, data_dir, target, *extra):
        return run_keyward(["backup", target, "--data-dir", data_dir, *extra])

    def restore(self, source, data_dir, *extra):
        return run_keyward(["restore", source, "--data-dir", data_dir, *extra])

    def made_store(self):
        """A stopped server's data directory holding a few keys; (data_dir, admin token)."""
        server = self.start_server()
        admin = server.bootstrap_key()
        for i in range(3):
            self.create_key(server, admin, "key %d" % i)
        server.stop()
        return server.data_dir, admin

    def test_backup_under_write_load(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        acknowledged = []  # (key id, token, enabled) in the order the server answered
        failures = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(n):
            try:
                write(n)
            except Exception as e:  # noqa: BLE001 (reported by the test, not lost in a thread)
                failures.append(e)

        def write(n):
            i = 0
            while not stop.is_set():
                resp = server.post("/v1/apikeys", {"name": "w%d-%d" % (n, i), "role": "Auditor"},
                                   token=admin)
                if resp.status != 201:
                    failures.append(resp)
                    return
                made = resp.json()
                enabled = True
                if i % 3 == 2:  # every third key is disabled as well
                    resp = server.post("/v1/apikeys/%s/disable" % made["id"], token=admin)
                    if resp.status != 200:
                        failures.append(resp)
                        return
                    enabled = False
                with lock:
                    acknowledged.append((made["id"], made["secret"], enabled))
                i += 1

        threads = [threading.Thread(target=writer, args=(n,), daemon=True)
                   for n in range(WRITERS)]
        for t in threads:
            t.start()
        try:
            deadline = time.monotonic() + 120
            while len(acknowledged) < 40 and not failures and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertGreaterEqual(len(acknowledged), 40, failures)
            with lock:
                before = list(acknowledged)  # every write acknowledged before the backup began
            target = os.path.join(self.workdir, "keyward-backup.db")
            result = self.backup(server.data_dir, target)
            with lock:
                during = len(acknowledged) - len(before)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        self.assertEqual(failures, [])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("backed up", result.stdout)
        self.assertRegex(result.stdout, r"schema version \d+, (\d+) API keys")
        self.assertIn("the pepper is not in the backup", result.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o600)
        # The pepper is not in the file.
        with open(target, "rb") as f:
            contents = f.read()
        for secret in pepper_secrets(os.path.join(server.data_dir, "pepper")):
            self.assertNotIn(secret, contents)
        print("keys acknowledged before the backup: %d, during it: %d" % (len(before), during))

        restored_dir = os.path.join(self.workdir, "restored")
        result = self.restore(target, restored_dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("restored", result.stdout)
        self.assertIn("put this store's pepper back", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(restored_dir, "pepper")))
        self.assertEqual(stat.S_IMODE(os.stat(restored_dir).st_mode), 0o700)
        self.assertEqual(
            stat.S_IMODE(os.stat(os.path.join(restored_dir, "keyward.db")).st_mode), 0o600)

        restored = self.start_server(
            data_dir=restored_dir, key_file=False,
            extra_args=["--pepper-file", os.path.join(server.data_dir, "pepper")])
        self.assertFalse(os.path.exists(os.path.join(restored_dir, "pepper")))
        for key_id, token, enabled in before:
            resp = restored.get("/v1/apikeys/" + key_id, token=admin)
            self.assertEqual(resp.status, 200, "key %s acknowledged before the backup is "
                             "missing: %r" % (key_id, resp))
            self.assertEqual(resp.json()["enabled"], enabled, key_id)
            verified = restored.post("/v1/keys/verify", {"key": token}, token=admin).json()
            self.assertEqual(verified["code"], "VALID" if enabled else "DISABLED", verified)
        verify = restored.get("/v1/audit/verify", token=admin)
        self.assertEqual(verify.status, 200, verify)
        self.assertTrue(verify.json()["ok"], verify.json())

    def test_backup_refusals(self):
        data_dir, _ = self.made_store()
        target = os.path.join(self.workdir, "taken.db")
        with open(target, "w") as f:
            f.write("precious")
        result = self.backup(data_dir, target)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("already exists", result.stderr)
        self.assertIn("--force", result.stderr)
        with open(target) as f:
            self.assertEqual(f.read(), "precious")
        result = self.backup(data_dir, target, "--force")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("4 API keys", result.stdout)  # the first-start admin key and three
        with open(target, "rb") as f:
            self.assertEqual(f.read(16), b"SQLite format 3\x00")

        # No store there: nothing is made.
        empty = os.path.join(self.workdir, "empty")
        os.mkdir(empty)
        result = self.backup(empty, os.path.join(self.workdir, "none.db"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("no database at", result.stderr)
        self.assertEqual(os.listdir(empty), [])
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "none.db")))

        # PostgreSQL: pg_dump's job.
        result = run_keyward(["backup", os.path.join(self.workdir, "pg.db"), "--database",
                              "postgresql://keyward@db.invalid/keyward"])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("pg_dump", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "pg.db")))

    def test_restore_refusals(self):
        data_dir, _ = self.made_store()
        good = os.path.join(self.workdir, "good.db")
        self.assertEqual(self.backup(data_dir, good).returncode, 0)

        # A directory that is not empty: named, and left as it was.
        busy = os.path.join(self.workdir, "busy")
        os.mkdir(busy)
        with open(os.path.join(busy, "keyward.db"), "w") as f:
            f.write("someone's store")
        result = self.restore(good, busy)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("is not empty", result.stderr)
        self.assertIn("keyward.db", result.stderr)
        with open(os.path.join(busy, "keyward.db")) as f:
            self.assertEqual(f.read(), "someone's store")
        self.assertEqual(os.listdir(busy), ["keyward.db"])

        def refused(source, words):
            target = os.path.join(self.workdir, "target-%d" % len(os.listdir(self.workdir)))
            result = self.restore(source, target)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn(words, result.stderr)
            self.assertFalse(os.path.exists(target), "a refused restore left %s" % target)

        text = os.path.join(self.workdir, "notes.txt")
        with open(text, "w") as f:
            f.write("not a database\n" * 300)
        refused(text, "not a SQLite database")
        refused(os.path.join(self.workdir, "missing.db"), "no database at")

        damaged = os.path.join(self.workdir, "damaged.db")
        with open(good, "rb") as f:
            data = bytearray(f.read())
        page = 4096
        self.assertGreater(len(data), 3 * page)
        for at in range(page, len(data) - page + 1, page):
            data[at + 8:at + page // 2] = b"\xa5" * (page // 2 - 8)
        with open(damaged, "wb") as f:
            f.write(data)
        refused(damaged, "not a usable Keyward database")

        other = os.path.join(self.workdir, "other.db")
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
        refused(other, "not a usable Keyward database")

        newer = os.path.join(self.workdir, "newer.db")
        with open(good, "rb") as f, open(newer, "wb") as g:
            g.write(f.read())
        db = sqlite3.connect(newer)
        db.execute("INSERT INTO schema_migrations (version, name, applied_at)"
                   " VALUES (9999, 'future', 0)")
        db.commit()
        db.close()
        refused(newer, "schema version 9999")

        # An empty directory is fine.
        fine = os.path.join(self.workdir, "fine")
        os.mkdir(fine)
        result = self.restore(good, fine)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(os.listdir(fine)), ["keyward.db"])

    def restored_store(self):
        data_dir, admin = self.made_store()
        target = os.path.join(self.workdir, "b.db")
        self.assertEqual(self.backup(data_dir, target).returncode, 0)
        restored = os.path.join(self.workdir, "restored")
        self.assertEqual(self.restore(target, restored).returncode, 0)
        return data_dir, restored, admin

    def refused_start(self, data_dir, extra_args=()):
        server = Server(self.workdir, data_dir=data_dir, key_file=False, extra_args=extra_args)
        self.addCleanup(server.kill)
        with self.assertRaises(AssertionError):
            server.start()
        self.assertNotEqual(server.exit_code, 0)
        return server.stderr()

    def test_a_restored_store_without_its_pepper_is_refused(self):
        original, restored, admin = self.restored_store()
        err = self.refused_start(restored)
        self.assertIn("was made with a pepper, but there is no pepper file at", err)
        self.assertIn("--pepper-file", err)
        self.assertFalse(os.path.exists(os.path.join(restored, "pepper")),
                         "a pepper file was created")
        # Put back, it starts and the keys verify.
        with open(os.path.join(original, "pepper"), "rb") as f, \
                open(os.path.join(restored, "pepper"), "wb") as g:
            g.write(f.read())
        os.chmod(os.path.join(restored, "pepper"), 0o600)
        server = self.start_server(data_dir=restored, key_file=False)
        resp = server.post("/v1/keys/verify", {"key": admin}, token=admin)
        self.assertEqual(resp.json()["code"], "VALID", resp)

    def test_a_restored_store_with_another_pepper_is_refused(self):
        _, restored, _ = self.restored_store()
        path, _ = write_pepper_file(restored)
        with open(path, "rb") as f:
            before = f.read()
        err = self.refused_start(restored)
        self.assertIn("the pepper does not match this store's fingerprint", err)
        self.assertIn("start with the pepper this store was made with", err)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)
        # The same with --pepper-file.
        other, _ = write_pepper_file(self.workdir, "other-pepper")
        os.unlink(path)
        err = self.refused_start(restored, ["--pepper-file", other])
        self.assertIn("the pepper does not match", err)
        self.assertFalse(os.path.exists(path))


if __name__ == "__main__":
    unittest.main()
