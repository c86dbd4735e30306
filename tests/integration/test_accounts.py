"""Accounts of the real binary through HTTP (docs/accounts.md "Accounts", "Authentication
tokens", "The Master Administrator account", "Audit"): account fields and their validation; account
tokens (role, locale and time zone follow the account; read-only through the keys API); the
`admin@localhost` bootstrap account and its one-time password file; the last Master
Administrator rule; and an audit event for every change, none holding a secret or a password."""

import datetime
import json
import os
import unittest

from harness import BOOTSTRAP_EMAIL, JAPANESE_RE, KEYS_PATH, TOKEN_RE
from accounts_common import ACCOUNT_FIELDS, RFC3339_SECONDS, ADMIN_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, utc_in, parse_time, AccountsTestCase


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


# --- authentication tokens ---

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


# --- the bootstrap account ---

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



# --- the last Master Administrator ---

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


# --- audit ---

class Audit(AccountsTestCase):

    def events(self, action):
        return self.audit_events(self.server, self.admin, action=action)

    def assert_audited(self, action, *names):
        """An event `action` whose target names one of `names` (an id or an email, as
        "<kind>:<name>": API.md fixes no target format beyond the keys' "apikey:<id>");
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
