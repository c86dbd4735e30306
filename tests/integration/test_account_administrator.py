"""The Master Administrator accounts of the real binary (docs/accounts.md "The Master
Administrator account"): the `admin@localhost` bootstrap account and its one-time password file;
the last Master Administrator rule."""

import os
import unittest

from accounts_common import ACCOUNT_FIELDS, AccountsTestCase
from harness import BOOTSTRAP_EMAIL, KEYS_PATH


class BootstrapAccount(AccountsTestCase):

    def test_bootstrap_account_is_a_console_and_api_master_administrator(self):
        account = self.admin_account()
        self.assertLessEqual(ACCOUNT_FIELDS, set(account.keys()), account)
        self.assertEqual(account["role"], {"id": "3", "name": "Master Administrator"})
        self.assertEqual(account["accessLevel"], "console_and_api")
        self.assertEqual(account["type"], "local")
        self.assertIs(account["enabled"], True)
        self.assertIs(account["lockedOut"], False)
        self.assertIs(account["mustChangePassword"], True)
        self.assertIsNone(account["token"])

    def test_one_time_password_is_written_alone_to_a_0600_file_and_not_printed(self):
        path = self.server.password_file
        self.assertTrue(os.path.exists(path), "bootstrap password file not written")
        self.assert_mode_0600(path)
        with open(path, encoding="utf-8") as f:
            content = f.read()
        lines = content.splitlines()
        self.assertEqual(len(lines), 1, repr(content))
        password = lines[0]
        self.assertIn(content, (password, password + "\n"))
        self.assertTrue(password)
        self.assertEqual(password, password.strip())
        # Nothing of it on stderr or stdout: not the whole, not any 8 characters of it.
        out = self.server.stderr() + self.server.stdout()
        self.assertNotIn(password, out)
        for i in range(len(password) - 7):
            self.assertNotIn(password[i:i + 8], out, "part of the password was printed")
        self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, password)

    def test_bootstrap_account_is_created_once(self):
        first = self.server
        admin_id = self.admin_account()["id"]
        # Deleting it is allowed while the bootstrap key is a live Master Administrator.
        resp = first.delete("/v1/accounts/" + admin_id, token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        first.stop()
        os.unlink(first.password_file)

        second = self.start_server(data_dir=first.data_dir, key_file=first.key_file,
                                   password_file=first.password_file)
        self.assertFalse(os.path.exists(first.password_file),
                         "a second start wrote a bootstrap password again")
        resp = second.get("/v1/accounts", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertNotIn(BOOTSTRAP_EMAIL, [a["email"] for a in resp.json()["items"]])

    def test_restart_keeps_the_account_and_writes_no_new_password(self):
        first = self.server
        admin_id = self.admin_account()["id"]
        first.stop()
        os.unlink(first.password_file)
        second = self.start_server(data_dir=first.data_dir, key_file=first.key_file,
                                   password_file=first.password_file)
        self.assertFalse(os.path.exists(first.password_file))
        accounts = second.get("/v1/accounts", token=self.admin).json()["items"]
        self.assertEqual([a["id"] for a in accounts if a["email"] == BOOTSTRAP_EMAIL],
                         [admin_id])
        resp, _ = second.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        self.assertEqual(resp.status, 201, resp)


class LastMasterAdministrator(AccountsTestCase):
    """At first start the Master Administrator credentials are the bootstrap key and the
    admin@localhost account (which can sign in with its one-time password)."""

    def test_the_only_ma_key_may_go_while_the_admin_account_can_sign_in(self):
        key_id = self.bootstrap_key_id()
        resp = self.server.delete("%s/%s" % (KEYS_PATH, key_id), token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assert_unauthenticated(self.server.get(KEYS_PATH, token=self.admin))
        session = self.console_admin()
        resp = session.get(KEYS_PATH)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["items"], [])

    def test_the_admin_account_may_be_disabled_while_the_ma_key_is_live(self):
        admin_id = self.admin_account()["id"]
        resp = self.server.post("/v1/accounts/%s/disable" % admin_id, {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["enabled"], False)

    def test_disabling_the_admin_account_then_removing_the_last_ma_key_is_refused(self):
        admin_id = self.admin_account()["id"]
        key_id = self.bootstrap_key_id()
        resp = self.server.post("/v1/accounts/%s/disable" % admin_id, {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        for method, path in (("DELETE", "%s/%s" % (KEYS_PATH, key_id)),
                             ("POST", "%s/%s/disable" % (KEYS_PATH, key_id))):
            with self.subTest(call="%s %s" % (method, path)):
                resp = self.server.request(method, path, token=self.admin,
                                           body={} if method == "POST" else None)
                self.assert_error(resp, 409, "last_master_administrator")
        self.assertEqual(self.server.get(KEYS_PATH, token=self.admin).status, 200)
        # With the account enabled again, the key may go.
        resp = self.server.post("/v1/accounts/%s/enable" % admin_id, {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        resp = self.server.delete("%s/%s" % (KEYS_PATH, key_id), token=self.admin)
        self.assertEqual(resp.status, 204, resp)

    def test_the_last_ma_account_cannot_be_removed_once_the_ma_key_is_gone(self):
        session = self.console_admin()
        admin_id = self.admin_account()["id"]
        resp = self.server.delete("%s/%s" % (KEYS_PATH, self.bootstrap_key_id()),
                                  token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        for method, path, body in (("POST", "/v1/accounts/%s/disable" % admin_id, {}),
                                   ("DELETE", "/v1/accounts/" + admin_id, None),
                                   ("PATCH", "/v1/accounts/" + admin_id,
                                    {"accessLevel": "api_only"}),
                                   ("PATCH", "/v1/accounts/" + admin_id, {"role": "Full Access"})):
            with self.subTest(call="%s %s %s" % (method, path, body)):
                resp = session.request(method, path, body=body)
                self.assert_error(resp, 409, "last_master_administrator")
        self.assert_session_alive(session)
        account = session.get("/v1/accounts/" + admin_id).json()
        self.assertIs(account["enabled"], True)
        self.assertEqual(account["accessLevel"], "console_and_api")
        self.assertEqual(account["role"]["name"], "Master Administrator")

    def test_an_ma_account_that_cannot_sign_in_is_no_credential(self):
        admin_id = self.admin_account()["id"]
        key_id = self.bootstrap_key_id()
        ops = self.create_account(self.server, self.admin, "ops@example.com",
                                  role="Master Administrator")
        resp = self.server.post("/v1/accounts/%s/disable" % admin_id, {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        # ops has no password yet: it cannot sign in, so it is no credential.
        resp = self.server.delete("%s/%s" % (KEYS_PATH, key_id), token=self.admin)
        self.assert_error(resp, 409, "last_master_administrator")
        self.set_one_time_password(self.server, self.admin, ops["id"])
        resp = self.server.delete("%s/%s" % (KEYS_PATH, key_id), token=self.admin)
        self.assertEqual(resp.status, 204, resp)


if __name__ == "__main__":
    unittest.main()
