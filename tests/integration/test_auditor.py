"""The third-party auditor procedure (docs/accounts.md "The third-party auditor procedure", after
Trend Vision One's "Obtaining API keys for third-party auditors"), end to end through the HTTP
API of the real binary, as docs/api.md "Roles, accounts, sessions, audit" binds it.

As the Master Administrator (the bootstrap key): add a custom role holding only `audit:view`
("Third-party auditing (API only)", group "Report Management"), add an `api_only` account with
it, generate the account's authentication token. Then: the token reads the audit trail, is
refused the API keys, cannot sign into the console; a second token needs the first deleted; a Full
Access key cannot issue one; the token is listed with the keys; disabling, `console_only` and
deleting the account stop it.
"""

import datetime
import unittest

from harness import KEYS_PATH, TOKEN_RE, KeywardTestCase

ROLE_NAME = "Third-party auditor"
AUDITOR_EMAIL = "auditor@example.com"
ACCOUNT_FIELDS = {"id", "email", "type", "role", "accessLevel", "givenName", "surname",
                  "description", "locale", "timeZone", "enabled", "lockedOut",
                  "mustChangePassword", "createdAt", "token"}
TOKEN_FIELDS = {"keyId", "prefix", "createdAt", "expiresAt", "lastUsedAt"}


def utc_in(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class AuditorTestCase(KeywardTestCase):
    """A fresh server per test; helpers that run the procedure's steps as the bootstrap key."""

    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.admin = self.server.bootstrap_key()

    # --- the procedure's steps ---

    def add_role(self):
        """Step 1: a custom role holding only audit:view."""
        return self.create_role(self.server, self.admin, ROLE_NAME, ["audit:view"],
                                description="External auditors: read the audit trail")

    def add_account(self, role):
        """Step 2: an account with the role, access level APIs only."""
        return self.create_account(self.server, self.admin, AUDITOR_EMAIL, role=role["id"],
                                   access_level="api_only", type="local", givenName="Ada",
                                   surname="Auditor", description="Third-party auditor")

    def generate_token(self, account, expires_at=None, token=None, expect=201):
        """Step 3: POST /v1/accounts/{id}/token; returns the response."""
        body = {} if expires_at is None else {"expiresAt": expires_at}
        resp = self.server.post("/v1/accounts/%s/token" % account["id"], body,
                                token=token or self.admin)
        self.assertEqual(resp.status, expect, resp)
        return resp

    def procedure(self, expires_at=None):
        """Steps 1 to 3; returns (role, account, secret, token object)."""
        role = self.add_role()
        account = self.add_account(role)
        generated = self.generate_token(account, expires_at).json()
        return role, account, generated["secret"], generated["token"]

    # --- helpers ---

    def assert_token_works(self, secret):
        resp = self.server.get("/v1/audit", token=secret)
        self.assertEqual(resp.status, 200, resp)

    def assert_token_dead(self, secret):
        self.assert_unauthenticated(self.server.get("/v1/audit", token=secret))

    def key(self, key_id):
        resp = self.server.get("%s/%s" % (KEYS_PATH, key_id), token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()


class Procedure(AuditorTestCase):
    """The three steps, one by one, and what each answers."""

    def test_permissions_catalogue_describes_audit_view_as_third_party_auditing(self):
        resp = self.server.get("/v1/permissions", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        by_name = {item["name"]: item for item in resp.json()["items"]}
        self.assertIn("audit:view", by_name)
        self.assertEqual(by_name["audit:view"]["description"], "Third-party auditing (API only)")
        self.assertEqual(by_name["audit:view"]["group"], "Report Management")

    def test_step1_custom_role_holds_only_audit_view(self):
        role = self.add_role()
        self.assertRegex(role["id"], r"^[0-9]+$")
        self.assertNotIn(role["id"], ("1", "2", "3"))
        self.assertEqual(role["name"], ROLE_NAME)
        self.assertEqual(role["description"], "External auditors: read the audit trail")
        self.assertIs(role["builtIn"], False)
        self.assertEqual(role["permissions"], ["audit:view"])
        resp = self.server.get("/v1/roles/" + role["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), role)

    def test_step2_account_has_the_role_and_api_only_access(self):
        role = self.add_role()
        account = self.add_account(role)
        self.assertLessEqual(ACCOUNT_FIELDS, set(account.keys()), account)
        self.assertRegex(account["id"], r"^[0-9]+$")
        self.assertEqual(account["email"], AUDITOR_EMAIL)
        self.assertEqual(account["type"], "local")
        self.assertEqual(account["role"], {"id": role["id"], "name": ROLE_NAME})
        self.assertEqual(account["accessLevel"], "api_only")
        self.assertEqual((account["givenName"], account["surname"], account["description"]),
                         ("Ada", "Auditor", "Third-party auditor"))
        self.assertIs(account["enabled"], True)
        self.assertIs(account["lockedOut"], False)
        self.assertIsNone(account["token"], "an account is created without a token")
        self.assertEqual(self.get_account(self.server, self.admin, account["id"]), account)

    def test_step3_token_is_shown_once_and_its_expiry_shows_on_the_account(self):
        role = self.add_role()
        account = self.add_account(role)
        expires = utc_in(90 * 86400)
        resp = self.generate_token(account, expires_at=expires)
        body = resp.json()
        self.assertLessEqual({"token", "secret"}, set(body.keys()), body)
        secret = body["secret"]
        self.assertRegex(secret, r"^kw_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$")
        token = body["token"]
        self.assertLessEqual(TOKEN_FIELDS, set(token.keys()), token)
        self.assertEqual(token["prefix"], secret[:15])
        self.assertEqual(parse_time(token["expiresAt"]), parse_time(expires))
        self.assertIsNone(token["lastUsedAt"])

        # The Account Details show the expiry, and never the secret again.
        shown = self.server.get("/v1/accounts/" + account["id"], token=self.admin)
        self.assertEqual(shown.status, 200, shown)
        self.assertIsNotNone(shown.json()["token"])
        self.assertEqual(shown.json()["token"]["keyId"], token["keyId"])
        self.assertEqual(shown.json()["token"]["prefix"], token["prefix"])
        self.assertEqual(parse_time(shown.json()["token"]["expiresAt"]), parse_time(expires))
        self.assertNotIn(secret[16:], shown.text)
        self.assertNotIn(secret[16:], self.server.get("/v1/accounts", token=self.admin).text)

    def test_token_without_expiry_never_expires(self):
        _, account, _, token = self.procedure()
        self.assertIsNone(token["expiresAt"])
        self.assertIsNone(self.get_account(self.server, self.admin, account["id"])
                          ["token"]["expiresAt"])


class AuditorToken(AuditorTestCase):
    """What the generated token, handed to the auditor, may and may not do."""

    def setUp(self):
        super().setUp()
        self.role, self.account, self.secret, self.token = self.procedure(utc_in(30 * 86400))

    def test_token_reads_the_audit_trail(self):
        resp = self.server.get("/v1/audit", token=self.secret)
        self.assertEqual(resp.status, 200, resp)
        actions = {event["action"] for event in resp.json()["items"]}
        self.assertTrue({"role.create", "account.create", "account.token.create"} <= actions,
                        actions)

    def test_token_cannot_list_api_keys(self):
        self.assert_error(self.server.get(KEYS_PATH, token=self.secret), 403,
                          "permission_denied")

    def test_token_cannot_create_api_keys(self):
        resp = self.server.post(KEYS_PATH, {"name": "sneaky", "role": ROLE_NAME},
                                token=self.secret)
        self.assert_error(resp, 403, "permission_denied")
        names = [k["name"] for k in self.server.get(KEYS_PATH, token=self.admin).json()["items"]]
        self.assertNotIn("sneaky", names)

    def test_token_cannot_sign_into_the_console(self):
        # Presenting the token to POST /v1/session is refused: sign-in takes email and password.
        for body in ({}, {"email": AUDITOR_EMAIL, "password": "not-the-password-1"}):
            with self.subTest(body=body):
                resp = self.server.post("/v1/session", body, token=self.secret)
                self.assert_error(resp, 403, "permission_denied")
                self.assertEqual(resp.set_cookies(), {}, "a refused sign-in set a cookie")

    def test_account_cannot_sign_into_the_console_with_its_password(self):
        password = self.set_one_time_password(self.server, self.admin, self.account["id"])
        resp, session = self.server.sign_in(AUDITOR_EMAIL, password)
        self.assert_error(resp, 403, "permission_denied")
        self.assertIsNone(session)
        self.assertEqual(resp.set_cookies(), {})
        # A wrong password is still the usual 401: the 403 comes only once the password is right.
        resp, _ = self.server.sign_in(AUDITOR_EMAIL, password + "x")
        self.assert_error(resp, 401, "unauthenticated")
        # The token still works: the password changed nothing about API access.
        self.assert_token_works(self.secret)

    def test_second_generate_is_refused_until_the_token_is_deleted(self):
        resp = self.generate_token(self.account, expect=409)
        error = self.assert_error(resp, 409, "already_exists")
        self.assertIn("delete the existing token first", error["message"])
        self.assert_token_works(self.secret)

        resp = self.server.delete("/v1/accounts/%s/token" % self.account["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        self.assert_token_dead(self.secret)
        self.assertIsNone(self.get_account(self.server, self.admin, self.account["id"])["token"])

        again = self.generate_token(self.account).json()
        self.assertRegex(again["secret"], TOKEN_RE)
        self.assertNotEqual(again["secret"], self.secret)
        self.assert_token_works(again["secret"])
        self.assert_token_dead(self.secret)
        self.assertEqual(self.get_account(self.server, self.admin, self.account["id"])
                         ["token"]["keyId"], again["token"]["keyId"])

    def test_full_access_key_cannot_issue_or_delete_the_token(self):
        full = self.create_key(self.server, self.admin, "full", role="Full Access")
        self.assertEqual(full["role"]["name"], "Full Access")
        resp = self.server.delete("/v1/accounts/%s/token" % self.account["id"],
                                  token=full["secret"])
        self.assert_error(resp, 403, "permission_denied")
        self.assert_token_works(self.secret)

        # With the token gone, a Full Access key still cannot issue a new one.
        resp = self.server.delete("/v1/accounts/%s/token" % self.account["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        resp = self.server.post("/v1/accounts/%s/token" % self.account["id"], {},
                                token=full["secret"])
        self.assert_error(resp, 403, "permission_denied")
        self.assertNotIn("secret", resp.json())
        self.assertIsNone(self.get_account(self.server, self.admin, self.account["id"])["token"])

    def test_token_is_listed_with_the_keys_as_the_accounts(self):
        resp = self.server.get(KEYS_PATH + "?limit=500", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        listed = [k for k in resp.json()["items"] if k["id"] == self.token["keyId"]]
        self.assertEqual(len(listed), 1, resp.text[:1000])
        key = listed[0]
        self.assertEqual(key["source"], "account")
        self.assertEqual(key["accountId"], self.account["id"])
        self.assertEqual(key["prefix"], self.secret[:15])
        self.assertEqual(key["role"], {"id": self.role["id"], "name": ROLE_NAME})
        self.assertEqual(key["name"], "Authentication token of account %s" % self.account["id"])
        self.assertEqual(key["status"], "enabled")
        self.assertEqual(parse_time(key["expiresAt"]), parse_time(self.token["expiresAt"]))
        self.assertNotIn("secret", key)
        self.assertNotIn(self.secret[16:], resp.text)
        by_source = self.server.get(KEYS_PATH + "?source=account", token=self.admin)
        self.assertEqual(by_source.status, 200, by_source)
        self.assertEqual([k["id"] for k in by_source.json()["items"]], [self.token["keyId"]])

    def test_disabling_the_account_stops_the_token_and_enabling_brings_it_back(self):
        resp = self.server.post("/v1/accounts/%s/disable" % self.account["id"], {},
                                token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["enabled"], False)
        self.assert_token_dead(self.secret)
        self.assertEqual(self.key(self.token["keyId"])["status"], "disabled")

        resp = self.server.post("/v1/accounts/%s/enable" % self.account["id"], {},
                                token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["enabled"], True)
        self.assert_token_works(self.secret)
        self.assertEqual(self.key(self.token["keyId"])["status"], "enabled")

    def test_console_only_access_stops_the_token(self):
        resp = self.server.patch("/v1/accounts/" + self.account["id"],
                                 {"accessLevel": "console_only"}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["accessLevel"], "console_only")
        self.assert_token_dead(self.secret)
        self.assertEqual(self.key(self.token["keyId"])["status"], "disabled")

    def test_deleting_the_account_stops_the_token_and_removes_the_key(self):
        resp = self.server.delete("/v1/accounts/" + self.account["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assert_token_dead(self.secret)
        self.assert_error(self.server.get("/v1/accounts/" + self.account["id"], token=self.admin),
                          404, "not_found")
        self.assert_error(self.server.get("%s/%s" % (KEYS_PATH, self.token["keyId"]),
                                          token=self.admin), 404, "not_found")
        ids = [k["id"] for k in
               self.server.get(KEYS_PATH + "?limit=500", token=self.admin).json()["items"]]
        self.assertNotIn(self.token["keyId"], ids)


if __name__ == "__main__":
    unittest.main()
