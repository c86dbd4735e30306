"""/v1/permissions and the role reads of docs/api.md "API keys", with an API key."""

import unittest

from apikeys_common import ApiKeysTestCase


class PermissionsAndRoles(ApiKeysTestCase):

    def test_permissions_catalogue(self):
        auditor = self.create_key(self.server, self.admin, "reader", role="Auditor")
        resp = self.server.get("/v1/permissions", token=auditor["secret"])
        self.assertEqual(resp.status, 200, resp)
        items = resp.json()["items"]
        by_name = {}
        for item in items:
            self.assertEqual(set(item.keys()), {"name", "group", "description"}, item)
            for field in ("name", "group", "description"):
                self.assertIsInstance(item[field], str)
            by_name[item["name"]] = item
        self.assertEqual(by_name["audit:view"]["description"], "Third-party auditing (API only)")
        self.assertEqual(by_name["audit:view"]["group"], "Report Management")
        for name in ("apikeys:view", "apikeys:create", "apikeys:edit", "apikeys:delete",
                     "roles:view", "roles:create", "roles:edit", "roles:delete", "accounts:view",
                     "accounts:create", "accounts:edit", "accounts:delete", "accounts:tokens",
                     "keys:verify"):
            self.assertIn(name, by_name)
        self.assertEqual(by_name["apikeys:view"]["group"], "API Keys")

    def test_permissions_need_a_key(self):
        self.assert_unauthenticated(self.server.get("/v1/permissions"))

    def test_roles_list(self):
        resp = self.server.get("/v1/roles", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        body = resp.json()
        self.assertEqual(set(body.keys()), {"items", "nextCursor"})
        roles = {role["id"]: role for role in body["items"]}
        self.assertEqual({roles[i]["name"] for i in ("1", "2", "3")},
                         {"Full Access", "Auditor", "Master Administrator"})
        self.assertEqual(roles["1"]["name"], "Full Access")
        self.assertEqual(roles["2"]["name"], "Auditor")
        for role in body["items"]:
            self.assertEqual(set(role.keys()),
                             {"id", "name", "description", "builtIn", "permissions"}, role)
            self.assertIs(role["builtIn"], True)
            self.assertIsInstance(role["permissions"], list)
        self.assertIsNone(body["nextCursor"])
        # Auditor: every :view permission, nothing else.
        self.assertTrue(roles["2"]["permissions"])
        for permission in roles["2"]["permissions"]:
            self.assertTrue(permission.endswith(":view"), permission)
        self.assertIn("audit:view", roles["2"]["permissions"])
        self.assertNotIn("accounts:tokens", roles["1"]["permissions"])

    def test_roles_list_paging(self):
        resp = self.server.get("/v1/roles?limit=2", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        first = resp.json()
        self.assertEqual(len(first["items"]), 2)
        self.assertIsNotNone(first["nextCursor"])
        resp = self.server.get("/v1/roles?limit=2&cursor=" + first["nextCursor"],
                               token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        rest = resp.json()
        ids = [r["id"] for r in first["items"] + rest["items"]]
        self.assertEqual(sorted(ids), ["1", "2", "3"])

    def test_role_get(self):
        auditor = self.create_key(self.server, self.admin, "role-reader", role="Auditor")
        resp = self.server.get("/v1/roles/3", token=auditor["secret"])
        self.assertEqual(resp.status, 200, resp)
        role = resp.json()
        self.assertEqual(role["id"], "3")
        self.assertEqual(role["name"], "Master Administrator")
        self.assertIs(role["builtIn"], True)
        self.assertIn("accounts:tokens", role["permissions"])
        self.assertIn("apikeys:create", role["permissions"])
        self.assertIsInstance(role["description"], str)

    def test_role_get_unknown_is_404(self):
        for role_id in ("99", "abc"):
            with self.subTest(role_id=role_id):
                resp = self.server.get("/v1/roles/" + role_id, token=self.admin)
                self.assert_error(resp, 404, "not_found")


if __name__ == "__main__":
    unittest.main()
