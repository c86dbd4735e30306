"""The audit trail of the real binary (docs/api.md "Roles, accounts, sessions, audit"): key operations
are listed with their details and never a secret, filters work, the export streams JSON lines
and CSV that parse (formula cells escaped), and /v1/audit/verify and `keyward audit verify`
notice a row altered in DATA_DIR/keyward.db while the server runs."""

import csv
import io
import json
import os
import sqlite3
import unittest

from harness import KeywardTestCase, TOKEN_ANYWHERE_RE, run_keyward

EVENT_FIELDS = {"id", "time", "actor", "action", "target", "ip", "outcome", "details", "hash"}
CSV_HEADER = ["id", "time", "actor", "action", "target", "ip", "outcome", "details", "hash"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def secret_part(token):
    return token[16:]


class AuditTrailTest(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.admin = self.server.bootstrap_key()
        self.admin_id = self.server.get("/v1/apikeys/current", token=self.admin).json()["id"]
        self.tokens = [self.admin]

    # --- helpers ---

    def key_operations(self):
        """Creates, changes and deletes keys; returns the ids of the keys touched."""
        formula = self.create_key(self.server, self.admin, "=cmd()", role="Auditor")
        self.tokens.append(formula["secret"])
        rotating = self.create_key(self.server, self.admin, "rotating", role="Full Access")
        self.tokens.append(rotating["secret"])
        rid = rotating["id"]
        resp = self.server.post("/v1/apikeys/%s/rotate" % rid, {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.tokens.append(resp.json()["secret"])
        for action in ("disable", "enable", "lock", "unlock"):
            resp = self.server.post("/v1/apikeys/%s/%s" % (rid, action), {}, token=self.admin)
            self.assertEqual(resp.status, 200, resp)
        resp = self.server.patch("/v1/apikeys/%s" % rid, {"name": "renamed"}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        doomed = self.create_key(self.server, self.admin, "doomed")
        self.tokens.append(doomed["secret"])
        resp = self.server.delete("/v1/apikeys/%s" % doomed["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        return formula["id"], rid, doomed["id"]

    def list_all(self, query="", token=None):
        items, cursor = [], None
        for _ in range(100):
            path = "/v1/audit?limit=2" + query + ("&cursor=" + cursor if cursor else "")
            resp = self.server.get(path, token=token or self.admin)
            self.assertEqual(resp.status, 200, resp)
            page = resp.json()
            items.extend(page["items"])
            cursor = page["nextCursor"]
            if cursor is None:
                return items
        self.fail("the cursor never ended")

    def assert_no_secret(self, text, what):
        for token in self.tokens:
            self.assertNotIn(secret_part(token), text, "a secret in %s" % what)
        self.assertIsNone(TOKEN_ANYWHERE_RE.search(text), "a token in %s" % what)

    def cli(self, *args):
        return run_keyward(list(args), env={"KEYWARD_URL": self.server.url,
                                            "KEYWARD_API_KEY": self.admin},
                           workdir=self.workdir)

    # --- tests ---

    def test_key_operations_are_listed_with_details_and_never_a_secret(self):
        formula_id, rid, doomed_id = self.key_operations()
        resp = self.server.get("/v1/audit?limit=500", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("application/json"))
        body = resp.json()
        self.assertIsNone(body["nextCursor"])
        items = body["items"]
        ids = [int(e["id"]) for e in items]
        self.assertEqual(ids, sorted(ids, reverse=True), "newest first")
        for event in items:
            self.assertEqual(set(event), EVENT_FIELDS, event)
            self.assertIsInstance(event["details"], dict, event)
            self.assertRegex(event["hash"], r"^v\d+:[0-9a-f]{64}$")
            self.assertRegex(event["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        actions = {(e["action"], e["target"]) for e in items}
        for action in ("create", "rotate", "disable", "enable", "lock", "unlock", "update"):
            self.assertIn(("apikey." + action, "apikey:" + rid), actions)
        self.assertIn(("apikey.delete", "apikey:" + doomed_id), actions)
        create = next(e for e in items
                      if e["action"] == "apikey.create" and e["target"] == "apikey:" + formula_id)
        self.assertEqual(create["details"]["name"], "=cmd()")
        self.assertEqual(create["actor"], "apikey:" + self.admin_id)
        self.assertEqual(create["ip"], "127.0.0.1")
        self.assertEqual(create["outcome"], "success")
        self.assert_no_secret(resp.text, "GET /v1/audit")
        for fmt in ("jsonl", "csv"):
            export = self.server.get("/v1/audit/export?format=" + fmt, token=self.admin)
            self.assertEqual(export.status, 200, export)
            self.assert_no_secret(export.text, "the %s export" % fmt)

    def test_filters_and_paging(self):
        _, rid, _ = self.key_operations()
        everything = self.server.get("/v1/audit?limit=500", token=self.admin).json()["items"]
        self.assertEqual(self.list_all(), everything, "pages of 2 add up to the whole list")
        rotations = self.list_all("&action=apikey.rotate")
        self.assertEqual([e["target"] for e in rotations], ["apikey:" + rid])
        on_key = self.list_all("&target=apikey:" + rid)
        self.assertEqual(len(on_key), 7)  # create, rotate, 4 state changes, update
        self.assertTrue(all(e["target"] == "apikey:" + rid for e in on_key))
        by_admin = self.list_all("&actor=apikey:" + self.admin_id)
        # All but the bootstrap's two (the admin key and the admin@localhost account).
        self.assertEqual(len(by_admin), len(everything) - 2)
        self.assertEqual(len(self.list_all("&actor=system")), 2)
        self.assertEqual(self.list_all("&since=2999-01-01T00:00:00Z"), [])
        self.assertEqual(len(self.list_all("&until=2999-01-01T00:00:00")), len(everything))
        for query, field in (("since=yesterday", "since"), ("until=2027-13-01T00:00:00Z", "until"),
                             ("limit=0", "limit"), ("limit=501", "limit"),
                             ("cursor=bogus", "cursor")):
            resp = self.server.get("/v1/audit?" + query, token=self.admin)
            self.assert_error(resp, 400, "invalid_argument", field=field)

    def test_an_auditor_reads_the_trail_and_no_credential_gets_nothing(self):
        auditor = self.create_key(self.server, self.admin, "auditor", role="Auditor")
        for path in ("/v1/audit", "/v1/audit/export", "/v1/audit/verify"):
            self.assertEqual(self.server.get(path, token=auditor["secret"]).status, 200, path)
            self.assert_unauthenticated(self.server.get(path))

    def test_export_streams_jsonl_and_csv_that_parse(self):
        self.key_operations()
        listed = self.server.get("/v1/audit?limit=500", token=self.admin).json()["items"]
        jsonl = self.server.get("/v1/audit/export", token=self.admin)
        self.assertEqual(jsonl.status, 200, jsonl)
        self.assertEqual(jsonl.header("Content-Type"), "application/x-ndjson")
        self.assertEqual(jsonl.header("Transfer-Encoding"), "chunked")
        self.assertRegex(jsonl.header("Content-Disposition"),
                         r'^attachment; filename="keyward-audit-\d{8}T\d{6}Z\.jsonl"$')
        self.assertTrue(jsonl.text.endswith("\n"))
        lines = [json.loads(line) for line in jsonl.text.splitlines()]
        self.assertEqual(lines, list(reversed(listed)), "oldest first, shaped as the list")

        resp = self.server.get("/v1/audit/export?format=csv&action=apikey.create",
                               token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/csv"))
        self.assertRegex(resp.header("Content-Disposition"), r'\.csv"$')
        rows = list(csv.reader(io.StringIO(resp.text, newline="")))
        self.assertEqual(rows[0], CSV_HEADER)
        creates = [e for e in reversed(listed) if e["action"] == "apikey.create"]
        self.assertEqual(len(rows) - 1, len(creates))
        for row, event in zip(rows[1:], creates):
            self.assertEqual(row[0], event["id"])
            self.assertEqual(json.loads(row[7]), event["details"])
            self.assertEqual(row[8], event["hash"])
            for cell in row:
                self.assertFalse(cell.startswith(FORMULA_STARTS), row)
        self.assertTrue(any("=cmd()" in row[7] for row in rows[1:]))

        self.assert_error(self.server.get("/v1/audit/export?format=xml", token=self.admin),
                          400, "invalid_argument", field="format")

    def test_verify_notices_a_row_altered_in_the_database(self):
        self.key_operations()
        listed = self.server.get("/v1/audit?limit=500", token=self.admin).json()["items"]
        resp = self.server.get("/v1/audit/verify", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), {"ok": True, "events": len(listed)})
        cli = self.cli("audit", "verify")
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertEqual(cli.stdout, "audit trail verified: %d events\n" % len(listed))

        victim = listed[len(listed) // 2]["id"]
        db = sqlite3.connect(os.path.join(self.server.data_dir, "keyward.db"), timeout=10)
        try:
            with db:
                db.execute("UPDATE audit_events SET details = ? WHERE id = ?",
                           ('{"name":"innocent"}', int(victim)))
        finally:
            db.close()

        resp = self.server.get("/v1/audit/verify", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        report = resp.json()
        self.assertIs(report["ok"], False, report)
        self.assertEqual(report["firstBrokenId"], victim, report)
        self.assertTrue(report["reason"], report)
        self.assertIsInstance(report["events"], int)

        cli = self.cli("audit", "verify")
        self.assertEqual(cli.returncode, 1, cli.stderr)
        self.assertTrue(cli.stdout.startswith("audit trail BROKEN at event %s: " % victim),
                        cli.stdout)
        cli = self.cli("audit", "verify", "--json")
        self.assertEqual(cli.returncode, 1, cli.stderr)
        self.assertEqual(json.loads(cli.stdout)["firstBrokenId"], victim)

    def test_cli_lists_and_exports(self):
        self.key_operations()
        listed = self.cli("audit", "list", "--action", "apikey.rotate")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        header = listed.stdout.splitlines()[0].split()
        self.assertEqual(header, ["ID", "TIME", "ACTOR", "ACTION", "TARGET", "IP", "OUTCOME"])
        self.assertEqual(len(listed.stdout.splitlines()), 2, listed.stdout)
        self.assertIn("apikey.rotate", listed.stdout)

        every = self.cli("audit", "list", "--all", "--limit", "3", "--json")
        self.assertEqual(every.returncode, 0, every.stderr)
        items = json.loads(every.stdout)["items"]
        api = self.server.get("/v1/audit?limit=500", token=self.admin).json()["items"]
        self.assertEqual(items, api)

        out = os.path.join(self.workdir, "trail.csv")
        exported = self.cli("audit", "export", "--format", "csv", "--output", out)
        self.assertEqual(exported.returncode, 0, exported.stderr)
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual(len(rows) - 1, len(api))
        self.assertFalse(os.path.exists(out + ".part"))

        jsonl = self.cli("audit", "export")
        self.assertEqual(jsonl.returncode, 0, jsonl.stderr)
        self.assertEqual([json.loads(l)["id"] for l in jsonl.stdout.splitlines()],
                         [e["id"] for e in reversed(api)])

        bad = self.cli("audit", "list", "--since", "yesterday")
        self.assertEqual(bad.returncode, 6, bad.stderr)
        self.assertIn("since", bad.stderr)


if __name__ == "__main__":
    unittest.main()
