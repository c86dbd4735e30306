"""Accounts of the real binary through HTTP (docs/accounts.md "Accounts", "Authentication
tokens"): account fields and their validation; account tokens (role, locale and time zone follow
the account; read-only through the keys API). The bootstrap account and the last Master
Administrator rule are in test_account_administrator, the audit of account changes in
test_account_audit."""

import datetime
import unittest

from accounts_common import ACCOUNT_FIELDS, RFC3339_SECONDS, AccountsTestCase, parse_time, utc_in
from harness import BOOTSTRAP_EMAIL, JAPANESE_RE, KEYS_PATH, TOKEN_RE


class AccountFields(AccountsTestCase):

    def create(self, body, token=None):
        return self.server.post("/v1/accounts", body, token=token or self.admin)

    def valid(self, **overrides):
        body = {"email": "someone@example.com", "role": "Auditor",
                "accessLevel": "console_and_api"}
        body.update(overrides)
        return body

    def assert_no_account(self, email):
        emails = [a["email"].lower() for a in
                  self.server.get("/v1/accounts?limit=500", token=self.admin).json()["items"]]
        self.assertNotIn(email.lower(), emails)

    def test_create_account_answers_201_with_every_field(self):
        resp = self.create({"email": "Grace.Hopper@Example.com", "type": "local",
                            "role": "Auditor", "accessLevel": "console_only",
                            "givenName": "Grace", "surname": "Hopper",
                            "description": "compiler person", "locale": "ja-JP",
                            "timeZone": "Asia/Tokyo", "enabled": False})
        self.assertEqual(resp.status, 201, resp)
        account = resp.json()
        self.assertLessEqual(ACCOUNT_FIELDS, set(account.keys()), account)
        self.assertRegex(account["id"], r"^[0-9]+$")
        self.assertEqual(account["email"], "Grace.Hopper@Example.com", "kept as given")
        self.assertEqual(account["type"], "local")
        self.assertEqual(account["role"], {"id": "2", "name": "Auditor"})
        self.assertEqual(account["accessLevel"], "console_only")
        self.assertEqual((account["givenName"], account["surname"], account["description"]),
                         ("Grace", "Hopper", "compiler person"))
        self.assertEqual((account["locale"], account["timeZone"]), ("ja-JP", "Asia/Tokyo"))
        self.assertIs(account["enabled"], False)
        self.assertIs(account["lockedOut"], False)
        self.assertIsInstance(account["mustChangePassword"], bool)
        self.assertRegex(account["createdAt"], RFC3339_SECONDS)
        self.assertIsNone(account["token"])
        self.assertEqual(self.account(account["id"]), account)

    def test_optional_fields_default(self):
        account = self.create_account(self.server, self.admin, "plain@example.com")
        self.assertEqual(account["type"], "local")
        self.assertEqual(account["locale"], "en-US")
        self.assertEqual(account["timeZone"], "UTC")
        self.assertIs(account["enabled"], True)
        self.assertEqual((account["givenName"], account["surname"], account["description"]),
                         ("", "", ""))

    def test_role_is_given_by_id_or_name(self):
        for i, role in enumerate(("Full Access", "1", 1)):
            with self.subTest(role=role):
                account = self.create_account(self.server, self.admin, "r%d@example.com" % i,
                                              role=role)
                self.assertEqual(account["role"], {"id": "1", "name": "Full Access"})

    def test_missing_required_field_is_400_naming_it(self):
        for field in ("email", "role", "accessLevel"):
            with self.subTest(field=field):
                body = self.valid()
                del body[field]
                self.assert_error(self.create(body), 400, "invalid_argument", field=field)

    def test_malformed_email_is_400_naming_email(self):
        for email in ("no-at-sign", "two@@example.com", "a@b@example.com", "@example.com",
                      "user@", "us er@example.com", "user@-bad.example", "user@exa mple.com",
                      "user@example..com", ""):
            with self.subTest(email=email):
                self.assert_error(self.create(self.valid(email=email)), 400, "invalid_argument",
                                  field="email")
        self.assertEqual(self.create(self.valid(email=12)).status, 400)

    def test_localhost_style_email_is_well_formed(self):
        account = self.create_account(self.server, self.admin, "ops@localhost")
        self.assertEqual(account["email"], "ops@localhost")

    def test_email_taken_in_any_ascii_case_is_409_already_exists(self):
        self.create_account(self.server, self.admin, "Taken@Example.com")
        for email in ("Taken@Example.com", "taken@example.com", "TAKEN@EXAMPLE.COM",
                      "ADMIN@LOCALHOST", BOOTSTRAP_EMAIL):
            with self.subTest(email=email):
                self.assert_error(self.create(self.valid(email=email)), 409, "already_exists",
                                  field="email")

    def test_invalid_access_level_is_400_naming_access_level(self):
        for level in ("apis_only", "API_ONLY", "", "console"):
            with self.subTest(level=level):
                self.assert_error(self.create(self.valid(accessLevel=level)), 400,
                                  "invalid_argument", field="accessLevel")
        self.assert_no_account("someone@example.com")

    def test_unknown_role_is_400_naming_role(self):
        for role in ("Nobody", "999"):
            with self.subTest(role=role):
                self.assert_error(self.create(self.valid(role=role)), 400, "invalid_argument",
                                  field="role")

    def test_invalid_locale_is_400_naming_locale(self):
        for locale in ("fr-FR", "en_US", "ja", ""):
            with self.subTest(locale=locale):
                self.assert_error(self.create(self.valid(locale=locale)), 400,
                                  "invalid_argument", field="locale")

    def test_invalid_time_zone_is_400_naming_time_zone(self):
        for zone in ("Mars/Olympus_Mons", "Tokyo", "+09:00", ""):
            with self.subTest(zone=zone):
                self.assert_error(self.create(self.valid(timeZone=zone)), 400,
                                  "invalid_argument", field="timeZone")

    def test_invalid_type_is_400_naming_type(self):
        self.assert_error(self.create(self.valid(type="ldap")), 400, "invalid_argument",
                          field="type")

    def test_unknown_field_is_400(self):
        self.assert_error(self.create(self.valid(password="let me in 12345")), 400,
                          "invalid_argument", field="password")
        self.assert_no_account("someone@example.com")
        account = self.create_account(self.server, self.admin, "strict@example.com")
        resp = self.server.patch("/v1/accounts/" + account["id"], {"nickname": "x"},
                                 token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="nickname")

    def test_patch_changes_fields_and_validates_them_the_same_way(self):
        self.create_account(self.server, self.admin, "other@example.com")
        account = self.create_account(self.server, self.admin, "edit@example.com")
        aid = account["id"]
        resp = self.server.patch("/v1/accounts/" + aid,
                                 {"email": "Edited@Example.com", "givenName": "Ed",
                                  "locale": "ja-JP", "timeZone": "Europe/Berlin",
                                  "accessLevel": "api_only", "role": "Full Access"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        edited = resp.json()
        self.assertEqual(edited["email"], "Edited@Example.com")
        self.assertEqual(edited["givenName"], "Ed")
        self.assertEqual((edited["locale"], edited["timeZone"]), ("ja-JP", "Europe/Berlin"))
        self.assertEqual(edited["accessLevel"], "api_only")
        self.assertEqual(edited["role"], {"id": "1", "name": "Full Access"})
        # Its own address in another case is not a conflict with itself.
        resp = self.server.patch("/v1/accounts/" + aid, {"email": "edited@example.com"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        for body, status, code, field in (
                ({"email": "not an email"}, 400, "invalid_argument", "email"),
                ({"email": "OTHER@example.com"}, 409, "already_exists", "email"),
                ({"accessLevel": "everything"}, 400, "invalid_argument", "accessLevel"),
                ({"role": "Nobody"}, 400, "invalid_argument", "role"),
                ({"locale": "de-DE"}, 400, "invalid_argument", "locale"),
                ({"timeZone": "Nowhere/Land"}, 400, "invalid_argument", "timeZone")):
            with self.subTest(body=body):
                resp = self.server.patch("/v1/accounts/" + aid, body, token=self.admin)
                self.assert_error(resp, status, code, field=field)
        self.assertEqual(self.account(aid)["email"], "edited@example.com")

    def test_accounts_list_holds_the_bootstrap_account_and_pages(self):
        self.create_account(self.server, self.admin, "a@example.com")
        self.create_account(self.server, self.admin, "b@example.com")
        resp = self.server.get("/v1/accounts", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        body = resp.json()
        self.assertEqual(set(body.keys()), {"items", "nextCursor"})
        everything = body["items"]
        self.assertEqual({a["email"] for a in everything},
                         {BOOTSTRAP_EMAIL, "a@example.com", "b@example.com"})
        ids = [int(a["id"]) for a in everything]
        self.assertEqual(ids, sorted(ids, reverse=True), "newest first")
        first = self.server.get("/v1/accounts?limit=2", token=self.admin).json()
        self.assertEqual(len(first["items"]), 2)
        self.assertIsNotNone(first["nextCursor"])
        rest = self.server.get("/v1/accounts?limit=2&cursor=" + first["nextCursor"],
                               token=self.admin).json()
        self.assertEqual(first["items"] + rest["items"], everything)
        self.assertIsNone(rest["nextCursor"])

    def test_unknown_account_is_404(self):
        for method, path in (("GET", "/v1/accounts/999"), ("PATCH", "/v1/accounts/999"),
                             ("DELETE", "/v1/accounts/999"),
                             ("POST", "/v1/accounts/999/enable"),
                             ("POST", "/v1/accounts/999/disable"),
                             ("POST", "/v1/accounts/999/unlock"),
                             ("POST", "/v1/accounts/999/password"),
                             ("POST", "/v1/accounts/999/token"),
                             ("DELETE", "/v1/accounts/999/token")):
            with self.subTest(call="%s %s" % (method, path)):
                body = {} if method in ("POST", "PATCH") else None
                resp = self.server.request(method, path, body=body, token=self.admin)
                self.assert_error(resp, 404, "not_found")

    def test_admin_sets_a_20_character_one_time_password(self):
        account = self.create_account(self.server, self.admin, "otp@example.com")
        first = self.set_one_time_password(self.server, self.admin, account["id"])
        second = self.set_one_time_password(self.server, self.admin, account["id"])
        for password in (first, second):
            self.assertEqual(len(password), 20, password)
        self.assertNotEqual(first, second)
        self.assertIs(self.account(account["id"])["mustChangePassword"], True)
        self.assertNotIn(second, self.server.get("/v1/accounts/" + account["id"],
                                                 token=self.admin).text)
        # Only the newest one signs in, and it must be changed.
        resp, _ = self.server.sign_in("otp@example.com", first)
        self.assert_error(resp, 401, "unauthenticated")
        resp, _ = self.server.sign_in("otp@example.com", second)
        self.assertEqual(resp.status, 201, resp)
        self.assertIs(resp.json()["mustChangePassword"], True)


class AccountTokens(AccountsTestCase):

    def test_token_follows_the_accounts_locale_time_zone_and_role(self):
        account = self.create_account(self.server, self.admin, "tokyo@example.com",
                                      role="Auditor", access_level="api_only", locale="ja-JP",
                                      timeZone="Asia/Tokyo")
        generated = self.generate_token(account["id"])
        secret = generated["secret"]
        self.assertRegex(secret, TOKEN_RE)
        me = self.server.get(KEYS_PATH + "/current", token=secret)
        self.assertEqual(me.status, 200, me)
        self.assertEqual((me.json()["locale"], me.json()["timeZone"]), ("ja-JP", "Asia/Tokyo"))
        self.assertEqual(me.json()["role"], {"id": "2", "name": "Auditor"})
        self.assertEqual(me.json()["source"], "account")
        self.assertTrue(me.json()["createdAt"].endswith("+09:00"), me.json()["createdAt"])
        denied = self.server.post(KEYS_PATH, {"name": "x", "role": "Auditor"}, token=secret)
        self.assert_error(denied, 403, "permission_denied")
        self.assertRegex(denied.json()["error"]["message"], JAPANESE_RE)

        resp = self.server.patch("/v1/accounts/" + account["id"],
                                 {"locale": "en-US", "timeZone": "UTC", "role": "Full Access"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        me = self.server.get(KEYS_PATH + "/current", token=secret).json()
        self.assertEqual((me["locale"], me["timeZone"]), ("en-US", "UTC"))
        self.assertEqual(me["role"], {"id": "1", "name": "Full Access"})
        created = self.server.post(KEYS_PATH, {"name": "now allowed", "role": "Auditor"},
                                   token=secret)
        self.assertEqual(created.status, 201, created)

    def test_token_cannot_be_edited_or_rotated_through_the_keys_api(self):
        account = self.create_account(self.server, self.admin, "t@example.com",
                                      access_level="api_only")
        generated = self.generate_token(account["id"])
        key_id = generated["token"]["keyId"]
        for body in ({"description": "mine"}, {"role": "Full Access"}, {"locale": "ja-JP"},
                     {"name": "renamed"}):
            with self.subTest(body=body):
                resp = self.server.patch("%s/%s" % (KEYS_PATH, key_id), body, token=self.admin)
                self.assert_error(resp, 409, "read_only")
        resp = self.server.post("%s/%s/rotate" % (KEYS_PATH, key_id), {}, token=self.admin)
        self.assert_error(resp, 409, "read_only")
        self.assertNotIn("secret", resp.json())
        self.assertEqual(self.server.get("/v1/audit", token=generated["secret"]).status, 200)

    def test_token_is_disabled_locked_and_deleted_through_the_keys_api(self):
        account = self.create_account(self.server, self.admin, "t@example.com",
                                      access_level="api_only")
        generated = self.generate_token(account["id"])
        key_id, secret = generated["token"]["keyId"], generated["secret"]

        def works():
            return self.server.get("/v1/audit", token=secret).status == 200

        for action, alive in (("disable", False), ("enable", True), ("lock", False),
                              ("unlock", True)):
            with self.subTest(action=action):
                resp = self.server.post("%s/%s/%s" % (KEYS_PATH, key_id, action), {},
                                        token=self.admin)
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(works(), alive)
        self.assertEqual(self.server.delete("%s/%s" % (KEYS_PATH, key_id),
                                            token=self.admin).status, 204)
        self.assertFalse(works())
        self.assertIsNone(self.account(account["id"])["token"])
        # With it gone, a new one may be generated.
        self.generate_token(account["id"])

    def test_console_only_account_cannot_hold_a_token(self):
        account = self.create_account(self.server, self.admin, "c@example.com",
                                      access_level="console_only")
        resp = self.server.post("/v1/accounts/%s/token" % account["id"], {}, token=self.admin)
        self.assert_error(resp, 409, "conflict")
        self.assertIsNone(self.account(account["id"])["token"])

    def test_deleting_a_token_that_does_not_exist_is_404(self):
        account = self.create_account(self.server, self.admin, "none@example.com")
        resp = self.server.delete("/v1/accounts/%s/token" % account["id"], token=self.admin)
        self.assert_error(resp, 404, "not_found")

    def test_expiry_without_an_offset_is_read_in_the_callers_time_zone(self):
        tokyo = self.create_key(self.server, self.admin, "tokyo admin",
                                role="Master Administrator", timeZone="Asia/Tokyo")["secret"]
        account = self.create_account(self.server, self.admin, "t@example.com",
                                      access_level="api_only")
        year = datetime.datetime.now(datetime.timezone.utc).year + 2
        self.generate_token(account["id"], token=tokyo, expiresAt="%d-01-01T09:00:00" % year)
        shown = self.account(account["id"])["token"]["expiresAt"]
        self.assertEqual(parse_time(shown),
                         datetime.datetime(year, 1, 1, tzinfo=datetime.timezone.utc))

    def test_expiry_in_the_past_is_refused(self):
        account = self.create_account(self.server, self.admin, "t@example.com",
                                      access_level="api_only")
        resp = self.server.post("/v1/accounts/%s/token" % account["id"],
                                {"expiresAt": utc_in(-3600)}, token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="expiresAt")
        self.assertIsNone(self.account(account["id"])["token"])

    def test_unknown_field_in_the_token_body_is_400(self):
        account = self.create_account(self.server, self.admin, "t@example.com",
                                      access_level="api_only")
        resp = self.server.post("/v1/accounts/%s/token" % account["id"], {"name": "mine"},
                                token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="name")


if __name__ == "__main__":
    unittest.main()
