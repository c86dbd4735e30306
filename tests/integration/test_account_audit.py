"""The audit of accounts, roles, tokens and sessions (docs/accounts.md "Audit"): an audit event for
every change, none holding a secret or a password."""

import json
import unittest

from accounts_common import ADMIN_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, AccountsTestCase
from harness import BOOTSTRAP_EMAIL


class Audit(AccountsTestCase):

    def events(self, action):
        return self.audit_events(self.server, self.admin, action=action)

    def assert_audited(self, action, *names):
        """An event `action` whose target names one of `names` (an id or an email, as
        "<kind>:<name>": docs/api.md fixes no target format beyond the keys' "apikey:<id>");
        returns it."""
        events = self.events(action)
        for event in events:
            self.assertEqual(event["action"], action, event)
            if event["target"].rsplit(":", 1)[-1] in names:
                return event
        self.fail("no %s event on any of %s: %s" % (action, names, events))

    def test_role_changes_are_audited(self):
        role = self.create_role(self.server, self.admin, "Audited", ["audit:view"],
                                description="before")
        self.server.patch("/v1/roles/" + role["id"], {"description": "after",
                                                      "permissions": ["apikeys:view"]},
                          token=self.admin)
        self.server.delete("/v1/roles/" + role["id"], token=self.admin)
        created = self.assert_audited("role.create", role["id"])
        self.assertIn("Audited", json.dumps(created["details"]))
        updated = self.assert_audited("role.update", role["id"])
        details = json.dumps(updated["details"])
        for value in ("before", "after", "audit:view", "apikeys:view"):
            self.assertIn(value, details, "role.update details carry old and new values")
        self.assert_audited("role.delete", role["id"])

    def test_account_changes_are_audited(self):
        account = self.create_account(self.server, self.admin, "audited@example.com",
                                      description="before")
        aid = account["id"]
        for method, path, body, expect in (
                ("PATCH", "/v1/accounts/" + aid, {"description": "after"}, 200),
                ("POST", "/v1/accounts/%s/disable" % aid, {}, 200),
                ("POST", "/v1/accounts/%s/enable" % aid, {}, 200),
                ("POST", "/v1/accounts/%s/unlock" % aid, {}, 200),
                ("POST", "/v1/accounts/%s/password" % aid, {}, 200),
                ("DELETE", "/v1/accounts/" + aid, None, 204)):
            resp = self.server.request(method, path, body=body, token=self.admin)
            self.assertEqual(resp.status, expect, resp)
        created = self.assert_audited("account.create", aid)
        self.assertIn("audited@example.com", json.dumps(created["details"]))
        updated = self.assert_audited("account.update", aid)
        self.assertIn("before", json.dumps(updated["details"]))
        self.assertIn("after", json.dumps(updated["details"]))
        for action in ("account.disable", "account.enable", "account.unlock",
                       "account.password", "account.delete"):
            with self.subTest(action=action):
                self.assert_audited(action, aid)

    def test_token_changes_are_audited(self):
        account = self.create_account(self.server, self.admin, "tokened@example.com",
                                      access_level="api_only")
        generated = self.generate_token(account["id"])
        key_id = generated["token"]["keyId"]
        resp = self.server.delete("/v1/accounts/%s/token" % account["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assert_audited("account.token.create", account["id"], key_id)
        self.assert_audited("account.token.delete", account["id"], key_id)

    def test_sessions_are_audited(self):
        admin_id = self.admin_account()["id"]
        resp, _ = self.server.sign_in(BOOTSTRAP_EMAIL, WRONG_PASSWORD)
        self.assertEqual(resp.status, 401, resp)
        session = self.console_admin()
        self.assertEqual(session.delete("/v1/session").status, 204)
        self.assert_audited("session.failure", admin_id, BOOTSTRAP_EMAIL)
        self.assert_audited("session.create", admin_id, BOOTSTRAP_EMAIL)
        self.assert_audited("session.delete", admin_id, BOOTSTRAP_EMAIL)
        # A password change by its owner is account.password too.
        self.assert_audited("account.password", admin_id)

    def test_lockout_is_audited(self):
        account, _ = self.with_password("locked@example.com")
        for _ in range(5):
            self.server.sign_in("locked@example.com", WRONG_PASSWORD)
        failures = [e for e in self.events("session.failure")
                    if e["target"].rsplit(":", 1)[-1] in (account["id"], "locked@example.com")]
        self.assertEqual(len(failures), 5, failures)
        self.assert_audited("auth.lockout", account["id"], "locked@example.com")

    def test_no_audit_event_holds_a_secret_or_a_password(self):
        # Every kind of secret this API handles, each passing through an audited call.
        account, otp = self.with_password("secrets@example.com")
        session = self.signed_in("secrets@example.com", otp)
        self.server.sign_in("secrets@example.com", WRONG_PASSWORD)
        admin_session = self.console_admin()
        reset = self.set_one_time_password(self.server, self.admin, account["id"])
        api_account = self.create_account(self.server, self.admin, "api@example.com",
                                          access_level="api_only")
        secret = self.generate_token(api_account["id"])["secret"]
        self.assertEqual(self.server.get("/v1/audit", token=secret).status, 200)
        self.assertEqual(admin_session.delete("/v1/session").status, 204)

        secrets = {"the bootstrap one-time password": self.admin_otp,
                   "the admin's new password": ADMIN_PASSWORD,
                   "an admin-set one-time password": otp,
                   "a reset one-time password": reset,
                   "a new password": NEW_PASSWORD,
                   "a wrong password": WRONG_PASSWORD,
                   "a token": secret, "a token's secret part": secret[16:],
                   "a session cookie": session.cookie,
                   "another session cookie": admin_session.cookie,
                   "a CSRF token": session.csrf_token}
        events = self.audit_events(self.server, self.admin)
        self.assertTrue(events)
        listed = json.dumps(events)
        export = self.server.get("/v1/audit/export", token=self.admin)
        self.assertEqual(export.status, 200, export)
        for what, value in secrets.items():
            with self.subTest(secret=what):
                self.assertNotIn(value, listed, "%s in GET /v1/audit" % what)
                self.assertNotIn(value, export.text, "%s in the export" % what)
        self.assertNotIn("$argon2", listed, "a password hash in the audit trail")
        # Nor in the server's output.
        out = self.server.stderr() + self.server.stdout()
        for what in ("the bootstrap one-time password", "the admin's new password",
                     "an admin-set one-time password", "a reset one-time password",
                     "a new password", "a wrong password", "a token's secret part",
                     "a session cookie"):
            with self.subTest(output=what):
                self.assertNotIn(secrets[what], out, "%s on the server's output" % what)


if __name__ == "__main__":
    unittest.main()
