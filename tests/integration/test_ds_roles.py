"""The Deep Security dialect's roles on the real binary (docs/deep-security.md "Roles"): the
requests the Deep Security SDK sends, headers included (api-version: v1, api-secret-key,
Content-Type and Accept: application/json on every call, `{}` bodies on GET and DELETE), every
Role field's name and type, the rights that map to Keyward permissions both ways, the other rights
kept as given, partial merges, the same role through the native API, the audit trail and the
dialect's errors."""

from test_ds_apikeys import DsTestCase

ROLE_TYPES = {"ID": int, "name": str, "description": str, "urn": str, "immutable": bool,
              "canOnlyManipulateUsersWithEqualOrLesserRights": bool, "allComputers": bool,
              "allPolicies": bool, "allowUserInterface": bool, "allowWebService": bool,
              "rights": dict, "computerIDs": list, "computerGroupIDs": list, "policyIDs": list}

MAPPED = {
    "apikeyRights": {"canCreateNewApiKeys": "apikeys:create", "canDeleteApiKeys": "apikeys:delete",
                     "canEditApiKeyProperties": "apikeys:edit", "canViewApiKeys": "apikeys:view"},
    "administratorRoleRights": {
        "canCreateNewAdministratorRoles": "roles:create",
        "canDeleteAdministratorRoles": "roles:delete",
        "canEditAdministratorRoleProperties": "roles:edit",
        "canViewAdministratorRoles": "roles:view"},
}


def mapped_rights(role):
    """{permission: bool} of the eight mapped rights of a Role object."""
    platform = role["rights"]["platformRights"]
    return {perm: platform[group][name]
            for group, names in MAPPED.items() for name, perm in names.items()}


class DsRoleTestCase(DsTestCase):

    def assert_role(self, role):
        self.assertEqual(set(role), set(ROLE_TYPES), role)
        for name, value in role.items():
            self.assertIs(type(value), ROLE_TYPES[name], "%s: %r" % (name, value))
        self.assertEqual(role["urn"], "urn:keyward:role:%d" % role["ID"])
        for group, names in MAPPED.items():
            for name in names:
                self.assertIs(type(role["rights"]["platformRights"][group][name]), bool)

    def create_role(self, body, secret=None):
        resp = self.ds("POST", "/api/roles", secret or self.master, body=body)
        self.assertEqual(resp.status, 200, resp)
        role = resp.json()
        self.assert_role(role)
        return role

    def native_role(self, role_id):
        resp = self.server.get("/v1/roles/%d" % role_id, token=self.master)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()


class DsRoles(DsRoleTestCase):

    def test_built_in_roles_are_listed_immutable_with_rights_from_their_permissions(self):
        resp = self.ds("GET", "/api/roles", self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(set(resp.json()), {"roles"})
        roles = {r["ID"]: r for r in resp.json()["roles"]}
        for role in roles.values():
            self.assert_role(role)
        self.assertEqual(roles[1]["name"], "Full Access")
        self.assertEqual(roles[2]["name"], "Auditor")
        self.assertEqual(roles[3]["name"], "Master Administrator")
        for role_id in (1, 2, 3):
            self.assertIs(roles[role_id]["immutable"], True)
            self.assertIs(roles[role_id]["allowWebService"], True)
            self.assertEqual(roles[role_id]["computerIDs"], [])
        self.assertTrue(all(mapped_rights(roles[1]).values()))
        self.assertTrue(all(mapped_rights(roles[3]).values()))
        auditor = mapped_rights(roles[2])
        self.assertEqual({p for p, v in auditor.items() if v}, {"apikeys:view", "roles:view"})

    def test_create_maps_rights_to_permissions_and_keeps_the_rest_as_given(self):
        role = self.create_role({
            "name": "Key viewers", "description": "from the SDK",
            "allComputers": False, "computerIDs": [4, "5"], "allowUserInterface": False,
            "rights": {"platformRights": {
                "apikeyRights": {"canViewApiKeys": True, "canCreateNewApiKeys": False},
                "administratorRoleRights": {"canViewAdministratorRoles": True},
                "administratorRights": {"canViewOtherAdministrators": True}},
                "computerRights": {"canEditComputerProperties": False}},
            "urn": "ignored", "ID": 999, "immutable": True, "unknownField": [1]})
        self.assertGreaterEqual(role["ID"], 100)
        self.assertEqual(role["name"], "Key viewers")
        self.assertEqual(role["description"], "from the SDK")
        self.assertIs(role["immutable"], False)
        self.assertIs(role["allComputers"], False)
        self.assertIs(role["allPolicies"], True)
        self.assertIs(role["allowUserInterface"], False)
        self.assertEqual(role["computerIDs"], [4, 5])
        self.assertEqual(role["policyIDs"], [])
        self.assertEqual({p for p, v in mapped_rights(role).items() if v},
                         {"apikeys:view", "roles:view"})
        self.assertEqual(role["rights"]["platformRights"]["administratorRights"],
                         {"canViewOtherAdministrators": True})
        self.assertEqual(role["rights"]["computerRights"], {"canEditComputerProperties": False})

        native = self.native_role(role["ID"])
        self.assertEqual(native["id"], str(role["ID"]))
        self.assertEqual(native["name"], "Key viewers")
        self.assertEqual(sorted(native["permissions"]), ["apikeys:view", "roles:view"])

        resp = self.ds("GET", "/api/roles/%d" % role["ID"], self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), role)

    def test_a_role_with_no_right_may_be_made(self):
        role = self.create_role({"name": "Nothing"})
        self.assertFalse(any(mapped_rights(role).values()))
        self.assertEqual(self.native_role(role["ID"])["permissions"], [])

    def test_modify_is_a_partial_merge_of_rights_and_kept_members(self):
        role = self.create_role({
            "name": "Merge", "description": "first", "computerIDs": [1],
            "rights": {"platformRights": {
                "apikeyRights": {"canViewApiKeys": True, "canEditApiKeyProperties": True},
                "administratorRights": {"canViewOtherAdministrators": True,
                                        "canEditOtherAdministrators": False}}}})
        # A permission with no DS right, added natively, survives every DS modify.
        resp = self.server.request("PATCH", "/v1/roles/%d" % role["ID"], token=self.master,
                                   body={"permissions": ["apikeys:view", "apikeys:edit",
                                                         "audit:view"]})
        self.assertIn(resp.status, (200,), resp)
        resp = self.ds("POST", "/api/roles/%d" % role["ID"], self.master, body={
            "description": "second",
            "rights": {"platformRights": {
                "apikeyRights": {"canEditApiKeyProperties": False},
                "administratorRoleRights": {"canViewAdministratorRoles": True},
                "administratorRights": {"canEditOtherAdministrators": True}}},
            "unknownField": 1})
        self.assertEqual(resp.status, 200, resp)
        modified = resp.json()
        self.assert_role(modified)
        self.assertEqual(modified["name"], "Merge")
        self.assertEqual(modified["description"], "second")
        self.assertEqual(modified["computerIDs"], [1])
        self.assertEqual({p for p, v in mapped_rights(modified).items() if v},
                         {"apikeys:view", "roles:view"})
        self.assertEqual(modified["rights"]["platformRights"]["administratorRights"],
                         {"canViewOtherAdministrators": True, "canEditOtherAdministrators": True})
        self.assertEqual(sorted(self.native_role(role["ID"])["permissions"]),
                         ["apikeys:view", "audit:view", "roles:view"])

    def test_a_permission_added_natively_shows_as_a_right(self):
        role = self.create_role({"name": "Native change"})
        resp = self.server.request("PATCH", "/v1/roles/%d" % role["ID"], token=self.master,
                                   body={"permissions": ["apikeys:delete"]})
        self.assertEqual(resp.status, 200, resp)
        resp = self.ds("GET", "/api/roles/%d" % role["ID"], self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual({p for p, v in mapped_rights(resp.json()).items() if v},
                         {"apikeys:delete"})

    def test_search_by_name_with_wildcards_and_by_id(self):
        made = [self.create_role({"name": n}) for n in ("ops-a", "ops-b", "dev-a")]
        resp = self.ds("POST", "/api/roles/search", self.master, body={
            "searchCriteria": [{"fieldName": "name", "stringTest": "equal",
                                "stringValue": "ops-%"}], "sortByObjectID": True})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(set(resp.json()), {"roles"})
        self.assertEqual([r["ID"] for r in resp.json()["roles"]], [made[0]["ID"], made[1]["ID"]])
        resp = self.ds("POST", "/api/roles/search", self.master, body={
            "searchCriteria": [{"fieldName": "ID", "idTest": "greater-than-or-equal",
                                "idValue": 100},
                               {"fieldName": "immutable", "booleanTest": False}],
            "maxItems": 2})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(len(resp.json()["roles"]), 2)
        resp = self.ds("POST", "/api/roles/search", self.master, body={
            "searchCriteria": [{"fieldName": "urn", "stringTest": "equal",
                                "stringValue": "urn:keyward:role:2"}]})
        self.assertEqual([r["name"] for r in resp.json()["roles"]], ["Auditor"])
        resp = self.ds("POST", "/api/roles/search", self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(len(resp.json()["roles"]), 6)

    def test_delete_answers_204_and_the_role_is_gone(self):
        role = self.create_role({"name": "Short-lived"})
        resp = self.ds("DELETE", "/api/roles/%d" % role["ID"], self.master)
        self.assertEqual(resp.status, 204, resp)
        resp = self.ds("GET", "/api/roles/%d" % role["ID"], self.master)
        self.assert_message(resp, 404, "The role does not exist.")

    def test_every_change_is_audited(self):
        role = self.create_role({"name": "Audited"})
        self.ds("POST", "/api/roles/%d" % role["ID"], self.master, body={"description": "x"})
        self.ds("DELETE", "/api/roles/%d" % role["ID"], self.master)
        actions = [e["action"] for e in self.audit_events(self.server, self.master)
                   if e["target"].rsplit(":", 1)[-1] == str(role["ID"])]
        for action in ("role.create", "role.update", "role.delete"):
            self.assertIn(action, actions)


class DsRoleErrors(DsRoleTestCase):

    def test_name_is_required_and_wrong_types_are_named(self):
        self.assert_message(self.ds("POST", "/api/roles", self.master, body={}), 400,
                            contains=["name"])
        resp = self.ds("POST", "/api/roles", self.master, body={
            "name": "Typed", "rights": {"platformRights": {"apikeyRights": {
                "canViewApiKeys": "yes"}}}})
        self.assert_message(resp, 400,
                            contains=["rights.platformRights.apikeyRights.canViewApiKeys"])
        resp = self.ds("POST", "/api/roles", self.master, body={"name": "T", "allComputers": 1})
        self.assert_message(resp, 400, contains=["allComputers"])
        resp = self.ds("POST", "/api/roles", self.master, body={"name": "T", "computerIDs": ["x"]})
        self.assert_message(resp, 400, contains=["computerIDs[0]"])

    def test_built_in_roles_cannot_change_or_go(self):
        resp = self.ds("POST", "/api/roles/2", self.master, body={"description": "mine"})
        self.assert_message(resp, 400)
        resp = self.ds("DELETE", "/api/roles/1", self.master)
        self.assert_message(resp, 400)

    def test_a_role_in_use_cannot_be_deleted(self):
        role = self.create_role({"name": "In use", "rights": {"platformRights": {
            "apikeyRights": {"canViewApiKeys": True}}}})
        self.create("holder", role=str(role["ID"]))
        resp = self.ds("DELETE", "/api/roles/%d" % role["ID"], self.master)
        self.assert_message(resp, 400, contains=["In use"])

    def test_an_auditor_key_is_not_authorized_to_change_roles(self):
        auditor = self.create("auditor", role="2")["secretKey"]
        resp = self.ds("GET", "/api/roles", auditor)
        self.assertEqual(resp.status, 200, resp)
        self.assert_message(self.ds("POST", "/api/roles", auditor, body={"name": "x"}), 403,
                            "Not authorized to create roles.")
        self.assert_message(self.ds("POST", "/api/roles/2", auditor, body={"name": "x"}), 403,
                            "Not authorized to edit roles.")
        self.assert_message(self.ds("DELETE", "/api/roles/2", auditor), 403,
                            "Not authorized to delete roles.")

    def test_unknown_roles_do_not_exist(self):
        for path in ("/api/roles/4242", "/api/roles/abc"):
            self.assert_message(self.ds("GET", path, self.master), 404,
                                "The role does not exist.")
        self.assert_message(self.ds("POST", "/api/roles/4242", self.master, body={"name": "x"}),
                            404, "The role does not exist.")
        self.assert_message(self.ds("DELETE", "/api/roles/4242", self.master), 404,
                            "The role does not exist.")

    def test_escalation_a_role_cannot_grant_what_the_caller_lacks(self):
        viewer_role = self.create_role({"name": "Role maker", "rights": {"platformRights": {
            "administratorRoleRights": {"canCreateNewAdministratorRoles": True,
                                        "canViewAdministratorRoles": True}}}})
        maker = self.create("maker", role=str(viewer_role["ID"]))["secretKey"]
        resp = self.ds("POST", "/api/roles", maker, body={
            "name": "Too much", "rights": {"platformRights": {
                "apikeyRights": {"canDeleteApiKeys": True}}}})
        self.assert_message(resp, 403)
        self.assertNotEqual(resp.status, 200)

    def test_words_follow_the_keys_locale_and_every_authentication_header_works(self):
        key = self.create("japanese", role="2", locale="ja-JP")["secretKey"]
        self.assert_message(self.ds("GET", "/api/roles/4242", key), 404,
                            "ロールが存在しません。")
        self.assert_message(self.ds("POST", "/api/roles", key, body={"name": "x"}), 403,
                            "ロールを作成する権限がありません。")
        for auth in ("api-secret-key", "ApiKey"):
            resp = self.ds("GET", "/api/roles/2", self.master, auth=auth)
            self.assertEqual(resp.status, 200, (auth, resp))
            self.assertEqual(resp.json()["name"], "Auditor")
