"""The `keyward` command-line client against a real server: the README tour and the exit codes
(0 ok, 1 server/unexpected, 2 usage, 3 refused, 4 not found, 5 conflict, 6 invalid input,
7 cannot connect)."""

import json
import socket
import unittest

from harness import TOKEN_ANYWHERE_RE, TOKEN_RE, KeywardTestCase, run_keyward


def free_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class CliTestCase(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.admin = self.server.bootstrap_key()

    def cli(self, *args, key=None, url=None, env=None):
        full_env = {"KEYWARD_URL": url or self.server.url,
                    "KEYWARD_API_KEY": self.admin if key is None else key}
        full_env.update(env or {})
        full_env = {k: v for k, v in full_env.items() if v is not None}
        return run_keyward(list(args), env=full_env, workdir=self.workdir)

    def ok(self, *args, **kw):
        result = self.cli(*args, **kw)
        self.assertEqual(result.returncode, 0,
                         "keyward %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), result.stdout, result.stderr))
        return result

    def create_json(self, name, role="Auditor", *extra):
        result = self.ok("keys", "create", "--name", name, "--role", role, "--json", *extra)
        return json.loads(result.stdout)

    def assert_exit(self, result, code):
        self.assertEqual(result.returncode, code,
                         "stdout:\n%s\nstderr:\n%s" % (result.stdout, result.stderr))
        self.assertTrue(result.stderr.strip(), "a failure without a message")
        self.assertNotIn(self.admin, result.stdout + result.stderr)

    def works(self, token):
        return self.server.get("/v1/apikeys/current", token=token).status == 200


class AuditorTour(CliTestCase):
    """The README's third-party auditor tour, command by command, against the real server."""

    def test_permissions_roles_accounts_and_token(self):
        perms = self.ok("permissions")
        self.assertIn("audit:view", perms.stdout)
        self.assertIn("Third-party auditing (API only)", perms.stdout)
        role = json.loads(self.ok("roles", "create", "--name", "Third-party auditor",
                                  "--permission", "audit:view", "--json").stdout)
        self.assertEqual(role["permissions"], ["audit:view"])
        account = json.loads(self.ok("accounts", "create", "--email", "auditor@example.com",
                                     "--role", "Third-party auditor", "--access-level",
                                     "api_only", "--json").stdout)
        self.assertEqual(account["accessLevel"], "api_only")
        self.assertIsNone(account["token"])
        issued = self.ok("accounts", "token", "create", account["id"])
        secrets = TOKEN_ANYWHERE_RE.findall(issued.stdout)
        self.assertEqual(len(secrets), 1, issued.stdout)
        token = secrets[0]
        self.assertEqual(self.server.get("/v1/audit", token=token).status, 200)
        self.assertEqual(self.server.get("/v1/apikeys", token=token).status, 403)
        # A second generate is a conflict until the first token is deleted.
        self.assert_exit(self.cli("accounts", "token", "create", account["id"]), 5)
        shown = self.ok("accounts", "show", account["id"])
        self.assertIn("auditor@example.com", shown.stdout)
        self.assertNotIn(token, shown.stdout)
        self.ok("accounts", "token", "delete", account["id"])
        self.assertEqual(self.server.get("/v1/audit", token=token).status, 401)
        # The role is in use by the account: deleting it is a conflict.
        self.assert_exit(self.cli("roles", "delete", role["id"]), 5)
        self.ok("accounts", "delete", account["id"])
        self.ok("roles", "delete", role["id"])

    def test_one_time_password_is_printed_once(self):
        account = json.loads(self.ok("accounts", "create", "--email", "ops@example.com",
                                     "--role", "Auditor", "--access-level", "console_and_api",
                                     "--json").stdout)
        result = self.ok("accounts", "password", account["id"])
        words = [w for w in result.stdout.split() if len(w) == 20 and w.isalnum()]
        self.assertEqual(len(words), 1, result.stdout)
        signed_in = self.server.request("POST", "/v1/session",
                                        body={"email": "ops@example.com", "password": words[0]})
        self.assertEqual(signed_in.status, 201, signed_in)
        self.assertTrue(signed_in.json()["mustChangePassword"])

    def test_full_access_key_cannot_issue_a_token(self):
        account = json.loads(self.ok("accounts", "create", "--email", "a@example.com", "--role",
                                     "Auditor", "--access-level", "api_only", "--json").stdout)
        full = self.create_json("full", "Full Access")
        self.assert_exit(self.cli("accounts", "token", "create", account["id"],
                                  key=full["secret"]), 3)


class Tour(CliTestCase):

    def test_create_prints_the_secret_once(self):
        result = self.ok("keys", "create", "--name", "ci", "--role", "Auditor")
        secrets = TOKEN_ANYWHERE_RE.findall(result.stdout)
        self.assertEqual(len(secrets), 1, result.stdout)
        self.assertRegex(secrets[0], TOKEN_RE)
        self.assertNotIn(secrets[0], result.stderr)
        self.assertNotIn(self.admin, result.stdout + result.stderr)
        self.assertIn("ci", result.stdout)
        current = self.server.get("/v1/apikeys/current", token=secrets[0])
        self.assertEqual(current.status, 200, current)
        self.assertEqual(current.json()["name"], "ci")
        self.assertEqual(current.json()["role"]["name"], "Auditor")

    def test_create_with_options(self):
        key = self.create_json("opts", "Full Access", "--description", "from the cli",
                               "--locale", "ja-JP", "--time-zone", "Asia/Tokyo",
                               "--allow-ip", "8.8.8.8", "--allow-ip", "1.1.1.0/24", "--disabled")
        self.assertRegex(key["secret"], TOKEN_RE)
        self.assertEqual(key["description"], "from the cli")
        self.assertEqual(key["locale"], "ja-JP")
        self.assertEqual(key["timeZone"], "Asia/Tokyo")
        self.assertEqual(key["allowedIps"], ["8.8.8.8", "1.1.1.0/24"])
        self.assertEqual(key["status"], "disabled")
        self.assertEqual(key["role"]["name"], "Full Access")

    def test_list_table_has_the_key_and_no_secret(self):
        key = self.create_json("ci")
        result = self.ok("keys", "list")
        self.assertIn("ci", result.stdout)
        self.assertIn(key["id"], result.stdout)
        self.assertIn(key["prefix"], result.stdout)
        self.assertIn("admin", result.stdout)
        self.assertNotIn(key["secret"], result.stdout)
        self.assertIsNone(TOKEN_ANYWHERE_RE.search(result.stdout + result.stderr))

    def test_list_json_parses(self):
        key = self.create_json("ci")
        result = self.ok("keys", "list", "--json")
        body = json.loads(result.stdout)
        self.assertIn("items", body)
        self.assertIn(key["id"], [item["id"] for item in body["items"]])
        self.assertNotIn(key["secret"], result.stdout)

    def test_list_filters_and_paging(self):
        a = self.create_json("alpha")
        b = self.create_json("beta", "Full Access")
        body = json.loads(self.ok("keys", "list", "--json", "-q", "alph").stdout)
        self.assertEqual([item["id"] for item in body["items"]], [a["id"]])
        body = json.loads(self.ok("keys", "list", "--json", "--role", "Full Access").stdout)
        self.assertEqual([item["id"] for item in body["items"]], [b["id"]])
        body = json.loads(self.ok("keys", "list", "--json", "--limit", "1").stdout)
        self.assertEqual(len(body["items"]), 1)
        self.assertIsNotNone(body["nextCursor"])
        body = json.loads(self.ok("keys", "list", "--json", "--all", "--limit", "1").stdout)
        self.assertEqual(len(body["items"]), 3)

    def test_show(self):
        key = self.create_json("ci")
        result = self.ok("keys", "show", key["id"])
        self.assertIn("ci", result.stdout)
        self.assertIn("Auditor", result.stdout)
        self.assertNotIn(key["secret"], result.stdout)
        shown = json.loads(self.ok("keys", "show", key["id"], "--json").stdout)
        self.assertEqual(shown["id"], key["id"])
        self.assertNotIn("secret", shown)

    def test_update(self):
        key = self.create_json("ci")
        result = self.ok("keys", "update", key["id"], "--name", "ci-renamed", "--description",
                         "renamed", "--allow-ip", "9.9.9.9", "--json")
        updated = json.loads(result.stdout)
        self.assertEqual((updated["name"], updated["description"], updated["allowedIps"]),
                         ("ci-renamed", "renamed", ["9.9.9.9"]))
        updated = json.loads(self.ok("keys", "update", key["id"], "--clear-allowlist",
                                     "--json").stdout)
        self.assertEqual(updated["allowedIps"], [])
        stored = self.server.get("/v1/apikeys/" + key["id"], token=self.admin).json()
        self.assertEqual(stored["name"], "ci-renamed")

    def test_rotate(self):
        key = self.create_json("ci")
        result = self.ok("keys", "rotate", key["id"])
        secrets = TOKEN_ANYWHERE_RE.findall(result.stdout)
        self.assertEqual(len(secrets), 1, result.stdout)
        self.assertNotEqual(secrets[0], key["secret"])
        self.assertTrue(self.works(secrets[0]))
        self.assertFalse(self.works(key["secret"]))

    def test_rotate_with_grace_period(self):
        key = self.create_json("ci")
        rotated = json.loads(self.ok("keys", "rotate", key["id"], "--grace-period", "600",
                                     "--json").stdout)
        self.assertTrue(self.works(rotated["secret"]))
        self.assertTrue(self.works(key["secret"]))

    def test_disable_enable_lock_unlock(self):
        key = self.create_json("ci")
        result = self.ok("keys", "disable", key["id"])
        self.assertIn("disabled", result.stdout)
        self.assertEqual(self.server.get("/v1/apikeys/" + key["id"], token=self.admin)
                         .json()["status"], "disabled")
        self.assertFalse(self.works(key["secret"]))
        self.ok("keys", "enable", key["id"])
        self.assertTrue(self.works(key["secret"]))
        locked = json.loads(self.ok("keys", "lock", key["id"], "--json").stdout)
        self.assertEqual(locked["status"], "locked_out")
        self.assertFalse(self.works(key["secret"]))
        unlocked = json.loads(self.ok("keys", "unlock", key["id"], "--json").stdout)
        self.assertEqual(unlocked["status"], "enabled")
        self.assertTrue(self.works(key["secret"]))

    def test_delete(self):
        key = self.create_json("ci")
        self.ok("keys", "delete", key["id"])
        resp = self.server.get("/v1/apikeys/" + key["id"], token=self.admin)
        self.assertEqual(resp.status, 404, resp)
        self.assertFalse(self.works(key["secret"]))

    def test_delete_several(self):
        a = self.create_json("a")
        b = self.create_json("b")
        result = self.ok("keys", "delete", a["id"], b["id"], "--json")
        body = json.loads(result.stdout)
        self.assertEqual({str(r["id"]): r["status"] for r in body["results"]},
                         {a["id"]: 204, b["id"]: 204})
        self.assertEqual(self.server.get("/v1/apikeys/" + a["id"], token=self.admin).status, 404)

    def test_whoami(self):
        result = self.ok("whoami")
        self.assertIn("admin", result.stdout)
        self.assertIn("Master Administrator", result.stdout)
        self.assertNotIn(self.admin, result.stdout + result.stderr)
        me = json.loads(self.ok("whoami", "--json").stdout)
        self.assertEqual(me["role"]["name"], "Master Administrator")
        self.assertEqual(me["prefix"], self.admin[:15])

    def test_roles_list_and_show(self):
        result = self.ok("roles", "list")
        for name in ("Master Administrator", "Full Access", "Auditor"):
            self.assertIn(name, result.stdout)
        roles = json.loads(self.ok("roles", "list", "--json").stdout)
        self.assertEqual({r["id"] for r in roles["items"]}, {"1", "2", "3"})
        result = self.ok("roles", "show", "2")
        self.assertIn("Auditor", result.stdout)
        self.assertIn("audit:view", result.stdout)

    def test_url_flag_overrides_environment(self):
        result = self.cli("whoami", "--url", self.server.url, url="http://127.0.0.1:%d"
                          % free_port())
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_version(self):
        result = run_keyward(["version"])
        self.assertEqual(result.returncode, 0)
        self.assertTrue(result.stdout.strip())


class ExitCodes(CliTestCase):

    def test_missing_api_key_is_usage_error(self):
        result = self.cli("keys", "list", key="")
        self.assert_exit(result, 2)
        self.assertIn("KEYWARD_API_KEY", result.stderr)
        env_unset = run_keyward(["keys", "list"], env={"KEYWARD_URL": self.server.url})
        self.assert_exit(env_unset, 2)

    def test_usage_errors(self):
        self.assert_exit(self.cli("keys", "create", "--role", "Auditor"), 2)  # no --name
        self.assert_exit(self.cli("keys", "frobnicate"), 2)
        self.assert_exit(self.cli("keys", "list", "--status", "sleeping"), 2)
        self.assert_exit(self.cli("keys", "update", "1"), 2)  # nothing to update

    def test_wrong_key_is_refused(self):
        result = self.cli("keys", "list", key="kw_wrong")
        self.assert_exit(result, 3)
        result = self.cli("keys", "list", key=self.admin[:-1] + ("A" if self.admin[-1] != "A"
                                                                 else "B"))
        self.assert_exit(result, 3)

    def test_forbidden_is_refused(self):
        auditor = self.create_json("auditor")
        result = self.cli("keys", "create", "--name", "x", "--role", "Auditor",
                          key=auditor["secret"])
        self.assertEqual(result.returncode, 3, result.stderr)

    def test_show_unknown_id_is_not_found(self):
        self.assert_exit(self.cli("keys", "show", "999999"), 4)
        self.assert_exit(self.cli("keys", "show", "abc"), 4)
        self.assert_exit(self.cli("keys", "delete", "999999"), 4)

    def test_delete_several_with_unknown_is_not_found(self):
        a = self.create_json("a")
        result = self.cli("keys", "delete", a["id"], "999999")
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertEqual(self.server.get("/v1/apikeys/" + a["id"], token=self.admin).status, 404)

    def test_duplicate_name_is_conflict(self):
        self.create_json("ci")
        self.assert_exit(self.cli("keys", "create", "--name", "CI", "--role", "Auditor"), 5)

    def test_last_master_administrator_is_conflict(self):
        # With the bootstrap account admin@localhost disabled, the bootstrap key is the last
        # Master Administrator credential.
        accounts = self.server.get("/v1/accounts", token=self.admin).json()["items"]
        admin = [a for a in accounts if a["email"] == "admin@localhost"][0]
        self.assertEqual(
            self.server.post("/v1/accounts/%s/disable" % admin["id"], token=self.admin).status, 200)
        me = json.loads(self.ok("whoami", "--json").stdout)
        self.assert_exit(self.cli("keys", "disable", me["id"], "--yes"), 5)

    def test_bad_allowlist_is_invalid_input(self):
        result = self.cli("keys", "create", "--name", "ci", "--role", "Auditor", "--allow-ip",
                          "10.0.0.1")
        self.assert_exit(result, 6)
        self.assertIn("allowedIps[0]", result.stderr)

    def test_bad_time_zone_is_invalid_input(self):
        self.assert_exit(self.cli("keys", "create", "--name", "ci", "--role", "Auditor",
                                  "--time-zone", "Mars/Base"), 6)

    def test_server_not_running_cannot_connect(self):
        result = self.cli("keys", "list", url="http://127.0.0.1:%d" % free_port())
        self.assert_exit(result, 7)

    def test_server_stopped_cannot_connect(self):
        url = self.server.url
        self.server.stop()
        self.assert_exit(self.cli("whoami", url=url), 7)


if __name__ == "__main__":
    unittest.main()
