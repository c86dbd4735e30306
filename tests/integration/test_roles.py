"""Roles of the real binary through HTTP (docs/accounts.md "Roles"): custom-role CRUD and its
refusals (unknown fields, unique names, built-in roles read-only, roles in use), and both
escalation rules for roles, keys and accounts."""

import unittest

from harness import BOOTSTRAP_EMAIL, KEYS_PATH
from accounts_common import ROLE_FIELDS, BUILT_IN_ROLES, LIMITED_PERMISSIONS, AccountsTestCase


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



if __name__ == "__main__":
    unittest.main()
