"""Roles, accounts, authentication tokens and console sign-in of the real binary: every rule of
docs/accounts.md, through HTTP, as API.md "Conventions" and "Roles, accounts, sessions, audit"
bind them.

Covered: role CRUD and its refusals (unknown fields, unique names, built-in roles read-only,
roles in use); both escalation rules, for roles, keys and accounts; account fields and their
validation; account tokens (locale, time zone and role follow the account; read-only through the
keys API); the `admin@localhost` bootstrap account and its one-time password file; console
sign-in, the session cookie, the one-time password that must be changed, CSRF, sign-out and every
other way a session ends; the sign-in lockout; the last Master Administrator rule; and an audit
event for every change, none of which holds a secret or a password.

Every test starts its own server (KEYWARD_BOOTSTRAP_PASSWORD_FILE set, so the one-time password
of `admin@localhost` is read from a file) and drives it with the bootstrap key or a session.
"""

import datetime
import json
import os
import re
import unittest

from harness import (BOOTSTRAP_EMAIL, JAPANESE_RE, KEYS_PATH, SESSION_COOKIE, TOKEN_RE,
                     ConsoleSession, KeywardTestCase)

# The fields every account carries (API.md, and docs/accounts.md "Responses add ..."); more may
# be added, so objects are checked to hold at least these.
ACCOUNT_FIELDS = {"id", "email", "type", "role", "accessLevel", "givenName", "surname",
                  "description", "locale", "timeZone", "enabled", "lockedOut",
                  "mustChangePassword", "createdAt", "token"}
SESSION_FIELDS = {"account", "csrfToken", "mustChangePassword", "createdAt", "idleExpiresAt",
                  "expiresAt"}
ROLE_FIELDS = {"id", "name", "description", "builtIn", "permissions"}
BUILT_IN_ROLES = {"1": "Full Access", "2": "Auditor", "3": "Master Administrator"}
RFC3339_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")

# Passwords the tests choose (12 to 256 characters).
ADMIN_PASSWORD = "admin passphrase 0001"
NEW_PASSWORD = "a new passphrase 0002"
WRONG_PASSWORD = "not the password 0003"

# A custom role that can manage roles, create keys and accounts and read the trail, but lacks
# apikeys:edit, apikeys:delete, accounts:tokens and keys:verify.
LIMITED_PERMISSIONS = ["roles:view", "roles:create", "roles:edit", "roles:delete",
                       "apikeys:view", "apikeys:create", "accounts:view", "accounts:create",
                       "accounts:edit", "accounts:delete", "audit:view"]


def utc_in(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class AccountsTestCase(KeywardTestCase):
    """A fresh server per test, with the bootstrap key and admin@localhost's one-time password."""

    def setUp(self):
        super().setUp()
        self.server = self.start_server(password_file=True)
        self.admin = self.server.bootstrap_key()
        self.admin_otp = self.server.bootstrap_password()

    # --- helpers ---

    def admin_account(self):
        return self.find_account(self.server, self.admin, BOOTSTRAP_EMAIL)

    def account(self, account_id):
        return self.get_account(self.server, self.admin, account_id)

    def with_password(self, email, role="Auditor", access_level="console_and_api", **fields):
        """An account made by the bootstrap key, with a one-time password; (account, password)."""
        account = self.create_account(self.server, self.admin, email, role=role,
                                      access_level=access_level, **fields)
        return account, self.set_one_time_password(self.server, self.admin, account["id"])

    def change_password(self, session, current, new):
        return session.post("/v1/session/password",
                            {"currentPassword": current, "newPassword": new})

    def signed_in(self, email, one_time_password, new_password=NEW_PASSWORD):
        """Signs in with the one-time password and changes it; returns the usable session."""
        session = self.sign_in_ok(self.server, email, one_time_password)
        resp = self.change_password(session, one_time_password, new_password)
        self.assertEqual(resp.status, 204, resp)
        return session

    def console_admin(self):
        """admin@localhost signed in, its one-time password changed to ADMIN_PASSWORD."""
        return self.signed_in(BOOTSTRAP_EMAIL, self.admin_otp, ADMIN_PASSWORD)

    def person(self, email, role="Auditor", access_level="console_and_api", **fields):
        """An account signed in with its password changed to NEW_PASSWORD; (account, session)."""
        account, otp = self.with_password(email, role, access_level, **fields)
        return account, self.signed_in(email, otp)

    def assert_session_ended(self, session):
        self.assert_error(session.get("/v1/session"), 401, "unauthenticated")
        self.assert_error(session.get(KEYS_PATH), 401, "unauthenticated")

    def assert_session_alive(self, session):
        resp = session.get("/v1/session")
        self.assertEqual(resp.status, 200, resp)

    def bootstrap_key_id(self):
        resp = self.server.get(KEYS_PATH + "/current", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()["id"]

    def generate_token(self, account_id, token=None, **body):
        resp = self.server.post("/v1/accounts/%s/token" % account_id, body,
                                token=token or self.admin)
        self.assertEqual(resp.status, 201, resp)
        return resp.json()

    def role_names(self):
        resp = self.server.get("/v1/roles?limit=500", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return {role["name"] for role in resp.json()["items"]}


# --- roles ---

class Roles(AccountsTestCase):

    def test_create_role_answers_201_with_the_role(self):
        resp = self.server.post("/v1/roles", {"name": "Order desk", "description": "orders",
                                              "permissions": ["audit:view", "orders:read"]},
                                token=self.admin)
        self.assertEqual(resp.status, 201, resp)
        role = resp.json()
        self.assertEqual(set(role.keys()), ROLE_FIELDS, role)
        self.assertRegex(role["id"], r"^[0-9]+$")
        self.assertNotIn(role["id"], BUILT_IN_ROLES)
        self.assertEqual(role["name"], "Order desk")
        self.assertEqual(role["description"], "orders")
        self.assertIs(role["builtIn"], False)
        self.assertEqual(sorted(role["permissions"]), ["audit:view", "orders:read"])

    def test_created_role_is_read_and_listed(self):
        role = self.create_role(self.server, self.admin, "Readers", ["apikeys:view"])
        resp = self.server.get("/v1/roles/" + role["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), role)
        listed = self.server.get("/v1/roles", token=self.admin).json()["items"]
        self.assertIn(role, listed)

    def test_update_role_answers_200_with_the_change(self):
        role = self.create_role(self.server, self.admin, "Editable", ["audit:view"])
        resp = self.server.patch("/v1/roles/" + role["id"],
                                 {"name": "Edited", "description": "now more",
                                  "permissions": ["audit:view", "apikeys:view"]},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        edited = resp.json()
        self.assertEqual(edited["id"], role["id"])
        self.assertEqual(edited["name"], "Edited")
        self.assertEqual(edited["description"], "now more")
        self.assertEqual(sorted(edited["permissions"]), ["apikeys:view", "audit:view"])
        self.assertEqual(self.server.get("/v1/roles/" + role["id"], token=self.admin).json(),
                         edited)

    def test_delete_role_answers_204_and_it_is_gone(self):
        role = self.create_role(self.server, self.admin, "Doomed", ["audit:view"])
        resp = self.server.delete("/v1/roles/" + role["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        self.assert_error(self.server.get("/v1/roles/" + role["id"], token=self.admin), 404,
                          "not_found")
        self.assert_error(self.server.delete("/v1/roles/" + role["id"], token=self.admin), 404,
                          "not_found")

    def test_unknown_field_in_a_role_body_is_400(self):
        resp = self.server.post("/v1/roles", {"name": "Colourful", "permissions": [],
                                              "colour": "red"}, token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="colour")
        self.assertNotIn("Colourful", self.role_names())
        role = self.create_role(self.server, self.admin, "Plain", ["audit:view"])
        resp = self.server.patch("/v1/roles/" + role["id"], {"colour": "red"}, token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="colour")

    def test_role_names_are_unique_ignoring_ascii_case(self):
        self.create_role(self.server, self.admin, "Night Shift", ["audit:view"])
        for name in ("Night Shift", "night shift", "NIGHT SHIFT", "auditor", "FULL ACCESS"):
            with self.subTest(name=name):
                resp = self.server.post("/v1/roles", {"name": name, "permissions": []},
                                        token=self.admin)
                self.assert_error(resp, 409, "already_exists")
        other = self.create_role(self.server, self.admin, "Day Shift", ["audit:view"])
        resp = self.server.patch("/v1/roles/" + other["id"], {"name": "NIGHT shift"},
                                 token=self.admin)
        self.assert_error(resp, 409, "already_exists")

    def test_malformed_permission_is_400_naming_the_entry(self):
        for bad in ("Orders:Read", "orders", "orders:", ":read", "orders read"):
            with self.subTest(permission=bad):
                resp = self.server.post("/v1/roles", {"name": "Bad", "permissions":
                                                      ["audit:view", bad]}, token=self.admin)
                self.assert_error(resp, 400, "invalid_argument", field="permissions[1]")
        self.assertNotIn("Bad", self.role_names())

    def test_free_form_permissions_are_checked_at_verification(self):
        role = self.create_role(self.server, self.admin, "Order reader",
                                ["orders:read", "orders.v2:list-all_items"])
        key = self.create_key(self.server, self.admin, "order client", role=role["id"])
        for wanted, code in ((["orders:read"], "VALID"),
                             (["orders.v2:list-all_items"], "VALID"),
                             (["orders:write"], "INSUFFICIENT_PERMISSIONS")):
            with self.subTest(permissions=wanted):
                resp = self.server.post("/v1/keys/verify",
                                        {"key": key["secret"], "permissions": wanted},
                                        token=self.admin)
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json()["code"], code, resp)

    def test_built_in_roles_are_read_only(self):
        for role_id, name in sorted(BUILT_IN_ROLES.items()):
            with self.subTest(role=name):
                resp = self.server.patch("/v1/roles/" + role_id, {"description": "mine now"},
                                         token=self.admin)
                self.assert_error(resp, 409, "read_only")
                resp = self.server.delete("/v1/roles/" + role_id, token=self.admin)
                self.assert_error(resp, 409, "read_only")
                role = self.server.get("/v1/roles/" + role_id, token=self.admin).json()
                self.assertEqual(role["name"], name)
                self.assertNotEqual(role["description"], "mine now")

    def test_role_used_by_a_key_is_in_use(self):
        role = self.create_role(self.server, self.admin, "Keyed", ["audit:view"])
        key = self.create_key(self.server, self.admin, "holder", role=role["id"])
        error = self.assert_error(self.server.delete("/v1/roles/" + role["id"], token=self.admin),
                                  409, "in_use")
        self.assertRegex(error["message"], r"\b1 (API )?keys?\b")
        self.assertRegex(error["message"], r"\b0 accounts?\b")
        self.assertEqual(self.server.get("/v1/roles/" + role["id"], token=self.admin).status, 200)
        self.assertEqual(self.server.delete("%s/%s" % (KEYS_PATH, key["id"]),
                                            token=self.admin).status, 204)
        self.assertEqual(self.server.delete("/v1/roles/" + role["id"], token=self.admin).status,
                         204)

    def test_role_used_by_an_account_is_in_use(self):
        role = self.create_role(self.server, self.admin, "Staffed", ["audit:view"])
        account = self.create_account(self.server, self.admin, "staff@example.com",
                                      role=role["name"])
        error = self.assert_error(self.server.delete("/v1/roles/" + role["id"], token=self.admin),
                                  409, "in_use")
        self.assertRegex(error["message"], r"\b0 (API )?keys?\b")
        self.assertRegex(error["message"], r"\b1 accounts?\b")
        self.assertEqual(self.server.delete("/v1/accounts/" + account["id"],
                                            token=self.admin).status, 204)
        self.assertEqual(self.server.delete("/v1/roles/" + role["id"], token=self.admin).status,
                         204)

    def test_editing_a_roles_permissions_changes_its_keys_and_tokens_at_once(self):
        role = self.create_role(self.server, self.admin, "Shifting", ["audit:view"])
        key = self.create_key(self.server, self.admin, "shifting key", role=role["id"])
        account = self.create_account(self.server, self.admin, "shift@example.com",
                                      role=role["id"], access_level="api_only")
        token = self.generate_token(account["id"])["secret"]
        for credential in (key["secret"], token):
            self.assertEqual(self.server.get("/v1/audit", token=credential).status, 200)
            self.assertEqual(self.server.get(KEYS_PATH, token=credential).status, 403)
        resp = self.server.patch("/v1/roles/" + role["id"], {"permissions": ["apikeys:view"]},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        for credential in (key["secret"], token):
            self.assert_error(self.server.get("/v1/audit", token=credential), 403,
                              "permission_denied")
            self.assertEqual(self.server.get(KEYS_PATH, token=credential).status, 200)


# --- escalation ---

class Escalation(AccountsTestCase):
    """"You cannot grant what you lack" and "you cannot act on what outranks you"."""

    def setUp(self):
        super().setUp()
        self.limited_role = self.create_role(self.server, self.admin, "Limited admin",
                                             LIMITED_PERMISSIONS)
        self.limited = self.create_key(self.server, self.admin, "limited",
                                       role=self.limited_role["id"])["secret"]

    def assert_denied(self, resp, naming=None):
        error = self.assert_error(resp, 403, "permission_denied")
        if naming is not None:
            self.assertIn(naming, error["message"])
        return error

    def test_creating_a_role_with_a_permission_the_caller_lacks_is_refused(self):
        resp = self.server.post("/v1/roles", {"name": "Deleters",
                                              "permissions": ["audit:view", "apikeys:delete"]},
                                token=self.limited)
        self.assert_denied(resp, naming="apikeys:delete")
        self.assertNotIn("Deleters", self.role_names())
        # Within its own permissions it may.
        self.create_role(self.server, self.limited, "Viewers", ["audit:view", "apikeys:view"])

    def test_editing_a_role_to_add_a_permission_the_caller_lacks_is_refused(self):
        role = self.create_role(self.server, self.limited, "Growing", ["audit:view"])
        resp = self.server.patch("/v1/roles/" + role["id"],
                                 {"permissions": ["audit:view", "accounts:tokens"]},
                                 token=self.limited)
        self.assert_denied(resp, naming="accounts:tokens")
        now = self.server.get("/v1/roles/" + role["id"], token=self.admin).json()
        self.assertEqual(now["permissions"], ["audit:view"])

    def test_editing_or_deleting_a_role_whose_permissions_the_caller_lacks_is_refused(self):
        role = self.create_role(self.server, self.admin, "Above", ["apikeys:delete"],
                                description="as made")
        self.assert_denied(self.server.patch("/v1/roles/" + role["id"],
                                             {"description": "changed"}, token=self.limited))
        self.assert_denied(self.server.patch("/v1/roles/" + role["id"],
                                             {"permissions": ["audit:view"]},
                                             token=self.limited))
        self.assert_denied(self.server.delete("/v1/roles/" + role["id"], token=self.limited))
        self.assertEqual(self.server.get("/v1/roles/" + role["id"], token=self.admin).json(),
                         role)

    def test_creating_a_key_with_a_role_above_the_callers_is_refused(self):
        above = self.create_role(self.server, self.admin, "Key deleter", ["apikeys:delete"])
        for role in ("Full Access", "Master Administrator", above["id"]):
            with self.subTest(role=role):
                resp = self.server.post(KEYS_PATH, {"name": "escalated", "role": role},
                                        token=self.limited)
                self.assert_denied(resp)
        names = [k["name"] for k in self.server.get(KEYS_PATH, token=self.admin).json()["items"]]
        self.assertNotIn("escalated", names)
        below = self.create_role(self.server, self.admin, "Below", ["audit:view"])
        self.create_key(self.server, self.limited, "fine", role=below["id"])

    def test_creating_an_account_with_a_role_above_the_callers_is_refused(self):
        for role in ("Full Access", "Master Administrator"):
            with self.subTest(role=role):
                resp = self.server.post("/v1/accounts", {"email": "up@example.com",
                                                         "role": role,
                                                         "accessLevel": "console_and_api"},
                                        token=self.limited)
                self.assert_denied(resp)
        emails = [a["email"] for a in
                  self.server.get("/v1/accounts", token=self.admin).json()["items"]]
        self.assertNotIn("up@example.com", emails)

    def test_giving_an_account_a_role_above_the_callers_is_refused(self):
        below = self.create_role(self.server, self.admin, "Below", ["audit:view"])
        account = self.create_account(self.server, self.limited, "mine@example.com",
                                      role=below["id"])
        resp = self.server.patch("/v1/accounts/" + account["id"], {"role": "Full Access"},
                                 token=self.limited)
        self.assert_denied(resp)
        self.assertEqual(self.account(account["id"])["role"]["id"], below["id"])

    def test_full_access_cannot_act_on_a_master_administrator_account(self):
        full = self.create_key(self.server, self.admin, "full", role="Full Access")["secret"]
        target = self.admin_account()
        aid = target["id"]
        self.assertEqual(target["role"]["name"], "Master Administrator")
        # Reading is not acting.
        self.assertEqual(self.server.get("/v1/accounts/" + aid, token=full).status, 200)
        for method, path, body in (
                ("PATCH", "/v1/accounts/" + aid, {"description": "owned"}),
                ("POST", "/v1/accounts/%s/disable" % aid, {}),
                ("POST", "/v1/accounts/%s/enable" % aid, {}),
                ("POST", "/v1/accounts/%s/unlock" % aid, {}),
                ("POST", "/v1/accounts/%s/password" % aid, {}),
                ("POST", "/v1/accounts/%s/token" % aid, {}),
                ("DELETE", "/v1/accounts/%s/token" % aid, None),
                ("DELETE", "/v1/accounts/" + aid, None)):
            with self.subTest(call="%s %s" % (method, path)):
                resp = self.server.request(method, path, body=body, token=full)
                self.assert_denied(resp)
                self.assertNotIn("oneTimePassword", resp.text)
        self.assertEqual(self.admin_account(), target)
        # The one-time password from the file still signs in: no reset happened.
        self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)

    def test_full_access_cannot_give_an_account_the_master_administrator_role(self):
        full = self.create_key(self.server, self.admin, "full", role="Full Access")["secret"]
        resp = self.server.post("/v1/accounts", {"email": "boss@example.com",
                                                 "role": "Master Administrator",
                                                 "accessLevel": "console_and_api"}, token=full)
        self.assert_denied(resp)
        account = self.create_account(self.server, full, "staff@example.com", role="Auditor")
        resp = self.server.patch("/v1/accounts/" + account["id"],
                                 {"role": "Master Administrator"}, token=full)
        self.assert_denied(resp)

    def test_full_access_acts_on_an_account_within_its_permissions(self):
        full = self.create_key(self.server, self.admin, "full", role="Full Access")["secret"]
        account = self.create_account(self.server, full, "staff@example.com", role="Auditor")
        aid = account["id"]
        for method, path, body in (("PATCH", "/v1/accounts/" + aid, {"description": "x"}),
                                   ("POST", "/v1/accounts/%s/disable" % aid, {}),
                                   ("POST", "/v1/accounts/%s/enable" % aid, {}),
                                   ("POST", "/v1/accounts/%s/unlock" % aid, {}),
                                   ("POST", "/v1/accounts/%s/password" % aid, {})):
            with self.subTest(call="%s %s" % (method, path)):
                resp = self.server.request(method, path, body=body, token=full)
                self.assertEqual(resp.status, 200, resp)
        self.assertEqual(self.server.delete("/v1/accounts/" + aid, token=full).status, 204)


# --- accounts ---

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


# --- console sign-in ---

class SignIn(AccountsTestCase):

    def test_sign_in_answers_201_with_a_strict_http_only_session_cookie(self):
        resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        self.assertEqual(resp.status, 201, resp)
        body = resp.json()
        self.assertLessEqual({"account", "csrfToken", "mustChangePassword"}, set(body.keys()),
                             body)
        self.assertEqual(body["account"]["email"], BOOTSTRAP_EMAIL)
        self.assertEqual(body["account"]["role"]["name"], "Master Administrator")
        self.assertIsInstance(body["csrfToken"], str)
        self.assertTrue(body["csrfToken"])
        self.assertIs(body["mustChangePassword"], True)

        cookies = resp.set_cookies()
        self.assertIn(SESSION_COOKIE, cookies, resp.headers)
        value, attrs = cookies[SESSION_COOKIE]
        self.assertTrue(value)
        self.assertIs(attrs.get("httponly"), True, attrs)
        self.assertEqual(str(attrs.get("samesite", "")).lower(), "strict", attrs)
        self.assertEqual(attrs.get("path"), "/", attrs)
        self.assertNotIn(value, resp.text, "the cookie's value is not in the body")
        self.assertNotEqual(value, body["csrfToken"])
        self.assertIsNotNone(session)

    def test_get_session_describes_the_session(self):
        resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        resp = session.get("/v1/session")
        self.assertEqual(resp.status, 200, resp)
        body = resp.json()
        self.assertLessEqual(SESSION_FIELDS, set(body.keys()), body)
        self.assertEqual(body["account"]["email"], BOOTSTRAP_EMAIL)
        self.assertEqual(body["csrfToken"], session.csrf_token)
        self.assertIs(body["mustChangePassword"], True)
        for field in ("createdAt", "idleExpiresAt", "expiresAt"):
            self.assertRegex(body[field], RFC3339_SECONDS, field)
        created = parse_time(body["createdAt"])
        idle = parse_time(body["idleExpiresAt"]) - created
        absolute = parse_time(body["expiresAt"]) - created
        # Defaults: 30 minutes idle, 12 hours absolute (a call may have moved idle on a little).
        self.assertTrue(datetime.timedelta(minutes=29) <= idle <= datetime.timedelta(minutes=31),
                        body)
        self.assertEqual(absolute, datetime.timedelta(hours=12), body)

    def test_one_time_password_allows_only_session_calls_until_changed(self):
        session = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        for method, path, body in (("GET", KEYS_PATH, None), ("GET", "/v1/accounts", None),
                                   ("GET", "/v1/audit", None),
                                   ("POST", "/v1/roles", {"name": "r", "permissions": []})):
            with self.subTest(call="%s %s" % (method, path)):
                resp = session.request(method, path, body=body)
                error = self.assert_error(resp, 403, "permission_denied")
                self.assertIn("change your one-time password first", error["message"])
        self.assertEqual(session.get("/v1/session").status, 200)

        resp = self.change_password(session, self.admin_otp, ADMIN_PASSWORD)
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        resp = session.get(KEYS_PATH)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(session.get("/v1/session").json()["mustChangePassword"], False)
        self.assertIs(self.admin_account()["mustChangePassword"], False)

    def test_changed_password_replaces_the_old_one(self):
        self.console_admin()
        resp, _ = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        self.assert_error(resp, 401, "unauthenticated")
        resp, _ = self.server.sign_in(BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        self.assertEqual(resp.status, 201, resp)
        self.assertIs(resp.json()["mustChangePassword"], False)

    def test_new_password_rules(self):
        session = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        for new in ("x" * 11, "y" * 257, self.admin_otp):
            with self.subTest(length=len(new)):
                resp = self.change_password(session, self.admin_otp, new)
                self.assert_error(resp, 400, "invalid_argument", field="newPassword")
        # A wrong currentPassword is refused (docs/accounts.md names no status: 400 or 403).
        resp = self.change_password(session, WRONG_PASSWORD, ADMIN_PASSWORD)
        self.assertIn(resp.status, (400, 403), resp)
        self.assertIn(resp.json()["error"]["code"], ("invalid_argument", "permission_denied"))
        self.assertIs(session.get("/v1/session").json()["mustChangePassword"], True)
        # The limits themselves are allowed: 12 characters, then 256.
        self.assertEqual(self.change_password(session, self.admin_otp, "z" * 12).status, 204)
        self.assertEqual(self.change_password(session, "z" * 12, "w" * 256).status, 204)

    def test_password_change_needs_the_csrf_token(self):
        session = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        resp = session.post("/v1/session/password",
                            {"currentPassword": self.admin_otp, "newPassword": ADMIN_PASSWORD},
                            csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        self.assertIs(session.get("/v1/session").json()["mustChangePassword"], True)

    def test_password_change_ends_the_accounts_other_sessions(self):
        first = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        second = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        self.assert_session_alive(second)
        resp = self.change_password(first, self.admin_otp, ADMIN_PASSWORD)
        self.assertEqual(resp.status, 204, resp)
        self.assert_session_alive(first)
        self.assert_session_ended(second)

    def test_session_acts_as_the_accounts_role_in_its_locale(self):
        _, session = self.person("reader@example.com", role="Auditor", locale="ja-JP",
                                 timeZone="Asia/Tokyo")
        self.assertEqual(session.get(KEYS_PATH).status, 200)
        resp = session.post(KEYS_PATH, {"name": "nope", "role": "Auditor"})
        self.assert_error(resp, 403, "permission_denied")
        self.assertRegex(resp.json()["error"]["message"], JAPANESE_RE)
        me = session.get("/v1/session").json()
        self.assertTrue(me["createdAt"].endswith("+09:00"), me["createdAt"])

    def test_wrong_password_and_unknown_email_get_the_same_401(self):
        wrong, session = self.server.sign_in(BOOTSTRAP_EMAIL, WRONG_PASSWORD)
        self.assert_error(wrong, 401, "unauthenticated", message="wrong email or password")
        self.assertIsNone(session)
        self.assertEqual(wrong.set_cookies(), {})
        unknown, _ = self.server.sign_in("nobody@example.com", WRONG_PASSWORD)
        self.assert_error(unknown, 401, "unauthenticated", message="wrong email or password")
        self.assertEqual(unknown.json(), wrong.json())
        self.assertEqual(unknown.set_cookies(), {})

    def test_email_is_matched_ignoring_ascii_case(self):
        resp, _ = self.server.sign_in("ADMIN@LocalHost", self.admin_otp)
        self.assertEqual(resp.status, 201, resp)

    def test_sign_in_presenting_an_api_key_is_refused(self):
        for headers in ({"Authorization": "Bearer " + self.admin},
                        {"api-secret-key": self.admin}):
            with self.subTest(header=list(headers)[0]):
                resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp,
                                                     headers=headers)
                self.assert_error(resp, 403, "permission_denied")
                self.assertIsNone(session)
                self.assertEqual(resp.set_cookies(), {})

    def test_api_only_account_is_refused_once_its_password_is_right(self):
        _, otp = self.with_password("robot@example.com", access_level="api_only")
        resp, _ = self.server.sign_in("robot@example.com", WRONG_PASSWORD)
        self.assert_error(resp, 401, "unauthenticated")
        resp, session = self.server.sign_in("robot@example.com", otp)
        self.assert_error(resp, 403, "permission_denied")
        self.assertIsNone(session)
        self.assertEqual(resp.set_cookies(), {})

    def test_disabled_account_is_refused_once_its_password_is_right(self):
        account, otp = self.with_password("gone@example.com")
        self.assertEqual(self.server.post("/v1/accounts/%s/disable" % account["id"], {},
                                          token=self.admin).status, 200)
        resp, _ = self.server.sign_in("gone@example.com", WRONG_PASSWORD)
        self.assert_error(resp, 401, "unauthenticated")
        resp, session = self.server.sign_in("gone@example.com", otp)
        self.assert_error(resp, 403, "permission_denied")
        self.assertIsNone(session)

    def test_account_without_a_password_cannot_sign_in(self):
        self.create_account(self.server, self.admin, "fresh@example.com")
        for password in ("", WRONG_PASSWORD):
            with self.subTest(password=password):
                resp, session = self.server.sign_in("fresh@example.com", password)
                self.assertIn(resp.status, (400, 401), resp)
                self.assertIsNone(session)


class Csrf(AccountsTestCase):

    def setUp(self):
        super().setUp()
        self.session = self.console_admin()

    def test_state_changing_call_without_the_csrf_token_is_refused(self):
        resp = self.session.post("/v1/roles", {"name": "No token", "permissions": []},
                                 csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        self.assertNotIn("No token", self.role_names())

    def test_state_changing_call_with_a_wrong_csrf_token_is_refused(self):
        for wrong in ("wrong", self.session.csrf_token[:-1], self.session.cookie, ""):
            with self.subTest(token=wrong[:8]):
                resp = self.session.post("/v1/roles", {"name": "Wrong token", "permissions": []},
                                         csrf=wrong)
                self.assert_error(resp, 403, "permission_denied")
        self.assertNotIn("Wrong token", self.role_names())

    def test_another_sessions_csrf_token_is_refused(self):
        other = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        self.assertNotEqual(other.csrf_token, self.session.csrf_token)
        resp = self.session.post("/v1/roles", {"name": "Crossed", "permissions": []},
                                 csrf=other.csrf_token)
        self.assert_error(resp, 403, "permission_denied")

    def test_state_changing_call_with_the_right_csrf_token_succeeds(self):
        resp = self.session.post("/v1/roles", {"name": "With token", "permissions": []})
        self.assertEqual(resp.status, 201, resp)
        role_id = resp.json()["id"]
        resp = self.session.patch("/v1/roles/" + role_id, {"description": "patched"})
        self.assertEqual(resp.status, 200, resp)
        resp = self.session.delete("/v1/roles/" + role_id)
        self.assertEqual(resp.status, 204, resp)

    def test_every_state_changing_method_needs_the_token(self):
        role = self.create_role(self.server, self.admin, "Guarded", ["audit:view"])
        resp = self.session.patch("/v1/roles/" + role["id"], {"description": "x"}, csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        resp = self.session.delete("/v1/roles/" + role["id"], csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        resp = self.session.delete("/v1/session", csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        self.assert_session_alive(self.session)
        self.assertEqual(self.server.get("/v1/roles/" + role["id"], token=self.admin).json(),
                         role)

    def test_get_needs_no_csrf_token(self):
        for path in (KEYS_PATH, "/v1/accounts", "/v1/roles", "/v1/audit", "/v1/session"):
            with self.subTest(path=path):
                resp = self.session.get(path, csrf=False)
                self.assertEqual(resp.status, 200, resp)

    def test_cookie_and_api_key_in_one_request_are_400(self):
        for method, path, body in (("GET", KEYS_PATH, None),
                                   ("POST", "/v1/roles", {"name": "Two", "permissions": []})):
            with self.subTest(method=method):
                resp = self.session.request(method, path, body=body, token=self.admin)
                self.assert_error(resp, 400, "invalid_argument")
        self.assertNotIn("Two", self.role_names())


class SessionEnd(AccountsTestCase):

    def test_sign_out_ends_the_session(self):
        session = self.console_admin()
        other = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        resp = session.delete("/v1/session")
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        self.assert_session_ended(session)
        self.assert_session_alive(other)

    def test_a_forged_cookie_is_401(self):
        session = self.console_admin()
        forged = ConsoleSession(self.server, session.cookie[:-1] + (
            "A" if session.cookie[-1] != "A" else "B"), session.csrf_token)
        self.assert_session_ended(forged)
        self.assert_session_alive(session)

    def test_admin_password_reset_ends_the_accounts_sessions(self):
        account, session = self.person("reset@example.com")
        password = self.set_one_time_password(self.server, self.admin, account["id"])
        self.assert_session_ended(session)
        resp, _ = self.server.sign_in("reset@example.com", NEW_PASSWORD)
        self.assert_error(resp, 401, "unauthenticated")
        resp, _ = self.server.sign_in("reset@example.com", password)
        self.assertEqual(resp.status, 201, resp)
        self.assertIs(resp.json()["mustChangePassword"], True)

    def test_disabling_the_account_ends_its_sessions(self):
        account, session = self.person("off@example.com")
        resp = self.server.post("/v1/accounts/%s/disable" % account["id"], {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assert_session_ended(session)
        self.server.post("/v1/accounts/%s/enable" % account["id"], {}, token=self.admin)
        self.assert_session_ended(session)  # enabling does not revive an ended session

    def test_api_only_access_ends_its_sessions(self):
        account, session = self.person("api@example.com")
        resp = self.server.patch("/v1/accounts/" + account["id"], {"accessLevel": "api_only"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assert_session_ended(session)

    def test_deleting_the_account_ends_its_sessions(self):
        account, session = self.person("bye@example.com")
        resp = self.server.delete("/v1/accounts/" + account["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assert_session_ended(session)

    def test_console_only_keeps_console_sessions(self):
        account, session = self.person("console@example.com")
        resp = self.server.patch("/v1/accounts/" + account["id"],
                                 {"accessLevel": "console_only"}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assert_session_alive(session)
        self.assertEqual(session.get(KEYS_PATH).status, 200)


class Lockout(AccountsTestCase):

    def setUp(self):
        super().setUp()
        self.target, self.otp = self.with_password("locked@example.com")

    def fail_sign_ins(self, count):
        for _ in range(count):
            resp, _ = self.server.sign_in("locked@example.com", WRONG_PASSWORD)
            self.assert_error(resp, 401, "unauthenticated")

    def test_five_wrong_passwords_lock_sign_in_even_with_the_right_password(self):
        self.assertIs(self.target["lockedOut"], False)
        self.fail_sign_ins(5)
        resp, session = self.server.sign_in("locked@example.com", self.otp)
        self.assert_error(resp, 429, "rate_limited")
        self.assertIsNone(session)
        resp, _ = self.server.sign_in("locked@example.com", WRONG_PASSWORD)
        self.assert_error(resp, 429, "rate_limited")
        self.assertIs(self.account(self.target["id"])["lockedOut"], True)

    def test_four_wrong_passwords_do_not_lock(self):
        self.fail_sign_ins(4)
        self.sign_in_ok(self.server, "locked@example.com", self.otp)
        self.assertIs(self.account(self.target["id"])["lockedOut"], False)

    def test_unlock_clears_the_lock(self):
        self.fail_sign_ins(5)
        resp = self.server.post("/v1/accounts/%s/unlock" % self.target["id"], {},
                                token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["lockedOut"], False)
        self.assertIs(self.account(self.target["id"])["lockedOut"], False)
        self.sign_in_ok(self.server, "locked@example.com", self.otp)

    def test_successful_sign_in_clears_the_count(self):
        self.fail_sign_ins(4)
        self.sign_in_ok(self.server, "locked@example.com", self.otp)
        self.fail_sign_ins(4)
        self.sign_in_ok(self.server, "locked@example.com", self.otp)

    def test_lock_holds_for_one_account_only(self):
        other, other_otp = self.with_password("other@example.com")
        self.fail_sign_ins(5)
        self.sign_in_ok(self.server, "other@example.com", other_otp)
        self.assertIs(self.account(other["id"])["lockedOut"], False)


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
