"""Upgrades (docs/operations.md "Upgrades"): the current binary started on a store made by Keyward
at schema version 1 (tests/fixtures/schema_v1, made by that version's own code: its README says
how) migrates it forward after an automatic backup, and every key, role and audit event survives,
each key's secret still verifies and the audit chain verifies. A store from a newer Keyward is
refused, untouched, with a message naming the versions.

Shown able to fail: with the automatic backup skipped (SqliteStoreOptions::migration_backup_dir
left empty in app/runtime.cpp) test_everything_survives fails at its first assertion; with the
refusal removed from storage/sql/schema.cpp, test_a_newer_schema_is_refused fails (the server
starts).
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import time
import unittest

from harness import REPO_ROOT, KeywardTestCase, Server, run_keyward

FIXTURE = os.path.join(REPO_ROOT, "tests", "fixtures", "schema_v1")
BACKUP_NAME_RE = re.compile(r"^keyward-schema-v1-\d{8}T\d{6}Z\.db$")
START_REFUSAL_DEADLINE = 60


def load_manifest():
    with open(os.path.join(FIXTURE, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def build_v1_store(data_dir):
    """DATA_DIR/keyward.db rebuilt from the fixture's dump, and its pepper beside it."""
    os.makedirs(data_dir, mode=0o700)
    with open(os.path.join(FIXTURE, "keyward.sql"), encoding="utf-8") as f:
        script = f.read()
    db = sqlite3.connect(os.path.join(data_dir, "keyward.db"))
    db.executescript(script)
    db.close()
    os.chmod(os.path.join(data_dir, "keyward.db"), 0o600)
    shutil.copyfile(os.path.join(FIXTURE, "pepper"), os.path.join(data_dir, "pepper"))
    os.chmod(os.path.join(data_dir, "pepper"), 0o600)


def schema_version(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    finally:
        db.close()


def rfc3339(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


class UpgradeFromSchemaV1(KeywardTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = load_manifest()
        self.assertEqual(self.manifest["schema_version"], 1)
        self.data_dir = os.path.join(self.workdir, "data")
        build_v1_store(self.data_dir)
        self.db_path = os.path.join(self.data_dir, "keyward.db")
        self.assertEqual(schema_version(self.db_path), 1)
        self.admin = self.manifest["keys"][0]["token"]
        self.keys = {k["id"]: k for k in self.manifest["keys"]}

    def start(self):
        return self.start_server(data_dir=self.data_dir, key_file=False)

    def assert_backup_of_v1(self, server):
        backups_dir = os.path.join(self.data_dir, "backups")
        self.assertTrue(os.path.isdir(backups_dir), "no automatic backup directory")
        names = os.listdir(backups_dir)
        self.assertEqual(len(names), 1, names)
        self.assertRegex(names[0], BACKUP_NAME_RE)
        path = os.path.join(backups_dir, names[0])
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(backups_dir).st_mode), 0o700)
        # The old schema, and what the old store held.
        self.assertEqual(schema_version(path), 1)
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            keys = db.execute("SELECT count(*) FROM api_keys").fetchone()[0]
            events = db.execute("SELECT count(*) FROM audit_events").fetchone()[0]
        finally:
            db.close()
        live = [k for k in self.manifest["keys"] if k["state"] != "deleted"]
        self.assertEqual(keys, len(live))
        self.assertEqual(events, len(self.manifest["audit_events"]))
        # Logged with its path.
        logged = [r for r in server.log_records() if r.get("msg") == "schema backup before migrating"]
        self.assertEqual(len(logged), 1, server.stderr())
        self.assertEqual(os.path.realpath(logged[0]["path"]), os.path.realpath(path))
        return path

    def test_everything_survives(self):
        server = self.start()
        self.assert_backup_of_v1(server)
        self.assertGreater(schema_version(self.db_path), 1)

        # Keys: ids, names, roles, states, allowlists, expiry, locale and the rest, as v1 listed
        # them.
        listed = {k["id"]: k for k in self.list_all(server, self.admin, "/v1/apikeys")}
        live = [k for k in self.manifest["keys"] if k["state"] != "deleted"]
        self.assertEqual(sorted(listed), sorted(k["id"] for k in live))
        for key in live:
            before, after = key["listed"], listed[key["id"]]
            with self.subTest(key=key["name"]):
                for field in ("name", "description", "role", "enabled", "lockedOut", "status",
                              "allowedIps", "expiresAt", "locale", "timeZone", "prefix",
                              "createdAt", "secretRotatedAt", "unlockAt", "failedAttempts"):
                    self.assertEqual(after.get(field), before.get(field), field)
        for key in self.manifest["keys"]:
            if key["state"] == "deleted":
                self.assertEqual(server.get("/v1/apikeys/" + key["id"], token=self.admin).status,
                                 404)

        # Roles: the custom ones with their names, descriptions and permissions; the built-ins.
        roles_now = {r["id"]: r for r in self.list_all(server, self.admin, "/v1/roles")}
        for role in self.manifest["roles"]:
            with self.subTest(role=role["name"]):
                self.assertIn(role["id"], roles_now)
                now = roles_now[role["id"]]
                self.assertEqual(now["name"], role["name"])
                self.assertEqual(now["builtIn"], role["builtIn"])
                if not role["builtIn"]:
                    self.assertEqual(now["description"], role["description"])
                    self.assertEqual(sorted(now["permissions"]), sorted(role["permissions"]))

        # Audit events: every v1 event is there, unchanged, and the chain verifies.
        exported = {str(e["id"]): e for e in self.audit_export(server, self.admin)}
        for event in self.manifest["audit_events"]:
            with self.subTest(event=event["id"]):
                now = exported.get(str(event["id"]))
                self.assertIsNotNone(now, "audit event %s is gone" % event["id"])
                for field in ("actor", "action", "target", "outcome"):
                    self.assertEqual(now[field], event[field], field)
                self.assertEqual(now["time"], rfc3339(event["time"]))
                self.assertEqual(now["details"], json.loads(event["details"]))
        verify = server.get("/v1/audit/verify", token=self.admin)
        self.assertEqual(verify.status, 200, verify)
        self.assertTrue(verify.json()["ok"], verify.json())
        self.assertGreaterEqual(verify.json()["events"], len(self.manifest["audit_events"]))

        # Schema version 1 had no accounts. The upgrade path makes one: the Master Administrator
        # account admin@localhost of a store without it (docs/accounts.md), and no other.
        accounts = self.list_all(server, self.admin, "/v1/accounts")
        self.assertEqual([a["email"] for a in accounts], ["admin@localhost"])
        self.assertEqual(accounts[0]["role"]["name"], "Master Administrator")
        self.assertEqual(self.manifest["accounts"], [])

        # Each key's secret still verifies, with the outcome its state gives.
        expected = {"enabled": "VALID", "disabled": "DISABLED", "locked": "LOCKED_OUT",
                    "deleted": "NOT_FOUND"}
        for key in self.manifest["keys"]:
            with self.subTest(verify=key["name"]):
                body = {"key": key["token"]}
                if key["listed"] and key["listed"]["allowedIps"]:
                    body["ip"] = "8.8.8.8"
                resp = server.post("/v1/keys/verify", body, token=self.admin)
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json()["code"], expected[key["state"]], resp.json())
                if key["state"] != "deleted":
                    self.assertEqual(resp.json()["keyId"], key["id"])
                    self.assertEqual(resp.json()["role"], key["role"])
        # The allowlist still holds; the rotated key's old secret is still refused; the custom
        # role's permissions still grant.
        allow = self.keys["8"]
        resp = server.post("/v1/keys/verify", {"key": allow["token"], "ip": "9.9.9.9"},
                           token=self.admin)
        self.assertEqual(resp.json()["code"], "IP_NOT_ALLOWED", resp.json())
        rotated = self.keys["10"]
        resp = server.post("/v1/keys/verify", {"key": rotated["old_token"]}, token=self.admin)
        self.assertEqual(resp.json()["code"], "NOT_FOUND", resp.json())
        resp = server.post("/v1/keys/verify",
                           {"key": self.keys["7"]["token"], "permissions": ["orders:read"]},
                           token=self.admin)
        self.assertEqual(resp.json()["code"], "VALID", resp.json())
        self.assertEqual(resp.json()["expiresAt"], "2099-01-01T00:00:00Z")

    def test_a_second_start_takes_no_second_backup(self):
        server = self.start()
        first = self.assert_backup_of_v1(server)
        server.stop()
        again = self.restart_server(server)
        self.assertEqual(os.listdir(os.path.join(self.data_dir, "backups")),
                         [os.path.basename(first)])
        self.assertEqual([r for r in again.log_records()
                          if r.get("msg") == "schema backup before migrating"], [])

    def test_a_newer_schema_is_refused(self):
        # As an older binary meets a store a newer Keyward migrated: a version it does not know.
        server = self.start()
        server.stop()
        db = sqlite3.connect(self.db_path)
        db.execute("INSERT INTO schema_migrations (version, name, applied_at)"
                   " VALUES (9999, 'from the future', 0)")
        db.commit()
        db.close()
        shutil.rmtree(os.path.join(self.data_dir, "backups"))
        with open(self.db_path, "rb") as f:
            before = hashlib.sha256(f.read()).hexdigest()
        refused = Server(self.workdir, data_dir=self.data_dir, key_file=False)
        self.addCleanup(refused.kill)
        with self.assertRaises(AssertionError):
            refused.start()
        self.assertNotEqual(refused.exit_code, 0)
        err = refused.stderr()
        self.assertIn("schema version 9999", err)
        self.assertRegex(err, r"knows schema versions 1 to \d+")
        self.assertIn("run the Keyward release that wrote it or a newer one", err)
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "backups")))
        with open(self.db_path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), before)
        # restore refuses such a file too, before copying anything.
        target = os.path.join(self.workdir, "restored")
        result = run_keyward(["restore", self.db_path, "--data-dir", target])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("schema version 9999", result.stderr)
        self.assertFalse(os.path.exists(target))


if __name__ == "__main__":
    unittest.main()
