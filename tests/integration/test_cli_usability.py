"""What a newcomer meets with the `keyward` CLI against a real server: `version` and `help`,
`--json` errors, the question before a command ends its own key's access, `--expires-at` read in
`--time-zone`, durations for `--grace-period` and the key's `previousSecret`."""

import datetime
import json
import os
import re
import time
import unittest

from harness import REPO_ROOT, run_keyward
from test_cli import CliTestCase


class VersionAndHelp(unittest.TestCase):

    def test_version_names_release_commit_and_build_type(self):
        for args in (["version"], ["--version"]):
            result = run_keyward(args)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertRegex(result.stdout.strip(),
                             r"^keyward \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,}|unknown), \w+\)$")

    def test_version_json(self):
        result = run_keyward(["version", "--json"])
        self.assertEqual(result.returncode, 0, result.stderr)
        doc = json.loads(result.stdout)
        self.assertEqual(set(doc), {"version", "commit", "buildType"})
        self.assertIn(doc["commit"], run_keyward(["version"]).stdout)

    def test_help_lists_the_commands_and_helps_with_one(self):
        result = run_keyward(["help"])
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in ("serve", "keys", "accounts", "audit", "version"):
            self.assertIn(command, result.stdout)
        sub = run_keyward(["help", "keys", "rotate"])
        self.assertEqual(sub.returncode, 0, sub.stderr)
        self.assertIn("--grace-period", sub.stdout)
        self.assertEqual(run_keyward(["help", "frobnicate"]).returncode, 2)


class Docs(unittest.TestCase):
    """docs/cli.md names every command and every long flag the binary's help shows."""

    COMMANDS = [
        ["keys", "list"], ["keys", "create"], ["keys", "show"], ["keys", "update"],
        ["keys", "enable"], ["keys", "disable"], ["keys", "lock"], ["keys", "unlock"],
        ["keys", "rotate"], ["keys", "delete"], ["permissions"], ["roles", "list"],
        ["roles", "show"], ["roles", "create"], ["roles", "update"], ["roles", "delete"],
        ["accounts", "list"], ["accounts", "create"], ["accounts", "show"],
        ["accounts", "update"], ["accounts", "enable"], ["accounts", "disable"],
        ["accounts", "unlock"], ["accounts", "delete"], ["accounts", "password"],
        ["accounts", "token", "create"], ["accounts", "token", "delete"],
        ["audit", "list"], ["audit", "export"], ["audit", "verify"], ["whoami"], ["version"],
    ]

    def test_cli_md_documents_every_command_and_flag(self):
        with open(os.path.join(REPO_ROOT, "docs", "cli.md"), encoding="utf-8") as f:
            doc = f.read()
        for command in self.COMMANDS:
            prefix = " ".join(["keyward"] + command[:-1]) + " "
            self.assertTrue(any(command[-1] in re.split(r"[ |]", line[len(prefix):])
                                for line in doc.splitlines() if line.startswith(prefix)),
                            "docs/cli.md has no line for keyward %s" % " ".join(command))
            result = run_keyward(["help"] + command)
            self.assertEqual(result.returncode, 0, result.stderr)
            for flag in set(re.findall(r"(?m)^\s+(?:-\w,)?(--[a-z][a-z-]*)", result.stdout)):
                if flag != "--help":
                    self.assertIn(flag, doc, "%s of keyward %s" % (flag, " ".join(command)))

    def test_service_endpoints_are_documented_and_linked(self):
        with open(os.path.join(REPO_ROOT, "docs", "operations.md"), encoding="utf-8") as f:
            operations = f.read()
        for path in ("/healthz", "/readyz", "/metrics"):
            self.assertIn(path, operations)
        with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertIn("docs/operations.md", readme)
        # The tour leads to the web console and its page.
        self.assertIn("http://127.0.0.1:8080/console/", readme)
        self.assertIn("docs/console.md", readme)


class CliUsability(CliTestCase):

    def no_terminal(self, *args, key=None):
        """Runs the CLI with standard input a pipe, never a terminal."""
        env = {"KEYWARD_URL": self.server.url,
               "KEYWARD_API_KEY": self.admin if key is None else key}
        return run_keyward(list(args), env=env, workdir=self.workdir, input_text="")

    def test_json_errors_are_json_on_standard_output_with_the_exit_code(self):
        result = self.cli("keys", "show", "999999", "--json")
        self.assert_exit(result, 4)
        self.assertEqual(json.loads(result.stdout)["error"]["code"], "not_found")
        result = self.cli("keys", "create", "--name", "x", "--role", "Auditor", "--allow-ip",
                          "10.0.0.1", "--json")
        self.assert_exit(result, 6)
        error = json.loads(result.stdout)["error"]
        self.assertEqual(error["field"], "allowedIps[0]")
        result = self.cli("keys", "list", "--json", key="")
        self.assert_exit(result, 2)
        self.assertEqual(json.loads(result.stdout)["error"]["code"], "usage")
        result = self.cli("keys", "list", "--status", "sleeping", "--json")
        self.assert_exit(result, 2)
        self.assertEqual(json.loads(result.stdout)["error"]["code"], "usage")

    def test_ending_own_access_needs_yes_without_a_terminal(self):
        mine = self.create_json("second admin", "Master Administrator")
        other = self.create_json("other")
        for args in (("keys", "delete", mine["id"]),
                     ("keys", "delete", other["id"], mine["id"]),
                     ("keys", "disable", mine["id"]),
                     ("keys", "lock", mine["id"]),
                     ("keys", "rotate", mine["id"])):
            result = self.no_terminal(*args, key=mine["secret"])
            self.assertEqual(result.returncode, 2, "%s\n%s" % (args, result.stderr))
            self.assertIn("--yes", result.stderr)
            self.assertTrue(self.works(mine["secret"]), args)
        self.assertTrue(self.works(other["secret"]), "a refused bulk delete deletes nothing")
        # Another key needs no question; --yes goes ahead with the caller's own.
        self.assertEqual(self.no_terminal("keys", "disable", other["id"],
                                          key=mine["secret"]).returncode, 0)
        result = self.no_terminal("keys", "delete", mine["id"], "--yes", key=mine["secret"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse(self.works(mine["secret"]))

    def test_expires_at_without_offset_is_read_in_the_time_zone_given(self):
        key = self.create_json("tokyo", "Auditor", "--time-zone", "Asia/Tokyo",
                               "--expires-at", "2030-12-31T23:59:59")
        # The caller's zone is UTC: 23:59:59 in Tokyo is 14:59:59 UTC.
        self.assertEqual(key["expiresAt"], "2030-12-31T14:59:59Z")
        utc = self.create_json("utc", "Auditor", "--expires-at", "2030-12-31T23:59:59")
        self.assertEqual(utc["expiresAt"], "2030-12-31T23:59:59Z")
        result = self.cli("keys", "create", "--name", "gap", "--role", "Auditor", "--time-zone",
                          "America/New_York", "--expires-at", "2030-03-10T02:30:00")
        self.assert_exit(result, 2)
        self.assertIn("--expires-at", result.stderr)

    def test_grace_period_takes_durations_and_shows_when_the_old_secret_ends(self):
        key = self.create_json("rolling")
        before = datetime.datetime.now(datetime.timezone.utc)
        rotated = json.loads(self.ok("keys", "rotate", key["id"], "--grace-period", "1h",
                                     "--json").stdout)
        ends = datetime.datetime.fromisoformat(
            rotated["previousSecret"]["endsAt"].replace("Z", "+00:00"))
        self.assertLess(abs((ends - before).total_seconds() - 3600), 10)
        self.assertIsNone(rotated["previousSecret"]["lastUsedAt"])
        shown = self.ok("keys", "show", key["id"])
        self.assertRegex(shown.stdout, r"Previous secret: +works until \S+, last used never")
        # A use of the old secret shows once it is written behind (about a second).
        self.assertTrue(self.works(key["secret"]))
        deadline = time.monotonic() + 10
        while True:
            shown = self.ok("keys", "show", key["id"])
            if "last used never" not in shown.stdout or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertRegex(shown.stdout, r"Previous secret: +works until \S+, last used \d{4}-")
        for bad in ("8d", "1w", "soon", "604801"):
            result = self.cli("keys", "rotate", key["id"], "--grace-period", bad)
            self.assert_exit(result, 2)
            self.assertIn("--grace-period", result.stderr)
            self.assertIn(bad, result.stderr)

    def test_openapi_describes_previous_secret(self):
        doc = self.server.get("/v1/openapi.json").json()
        schema = doc["components"]["schemas"]["ApiKey"]
        self.assertIn("previousSecret", schema["required"])
        self.assertIn("previousSecret", schema["properties"])


if __name__ == "__main__":
    unittest.main()
