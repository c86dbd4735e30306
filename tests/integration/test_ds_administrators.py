"""The Deep Security dialect's administrators on the real binary (docs/deep-security.md
"Administrators"): Keyward accounts through the requests the Deep Security SDK sends, headers
included (api-version: v1, api-secret-key, Content-Type and Accept: application/json on every
call, `{}` bodies on GET and DELETE, roleID as "2"), every Administrator field's name and type,
`username` as the account's email, the kept fields returned as given, `active`, the write-only
`password` (a one-time password the console asks to change), the same account through the native
API, the audit trail and the dialect's errors."""

from test_ds_apikeys import DsTestCase, ms_now

ADMIN_TYPES = {"ID": int, "username": str, "fullName": str, "description": str, "roleID": int,
               "locale": str, "timeZone": str, "timeFormat": str, "passwordNeverExpires": bool,
               "active": bool, "mfaType": str, "phoneNumber": str, "mobileNumber": str,
               "pagerNumber": str, "emailAddress": str, "primaryContact": bool,
               "receiveNotifications": bool, "reportPDFPasswordEnabled": bool, "created": int,
               "lastSignIn": int, "lastPasswordChange": int, "unlockTime": int,
               "unsuccessfulSignInAttempts": int, "directoryName": str, "directoryInfo": str,
               "external": bool, "externalUserID": str, "type": str, "readOnly": bool,
               "UTCOffset": str}
ADMIN_ALWAYS = {"ID", "username", "fullName", "description", "roleID", "locale", "timeZone",
                "active", "created", "external", "type", "readOnly"}
PASSWORD = "first passphrase 0001"
NEW_PASSWORD = "second passphrase 0002"
WRONG_PASSWORD = "not the passphrase 0003"

KEPT = {"fullName": "Ada Lovelace", "emailAddress": "ada.notify@example.com",
        "timeFormat": "24", "passwordNeverExpires": True, "mfaType": "none",
        "phoneNumber": "+1 555 0100", "mobileNumber": "+1 555 0101", "pagerNumber": "42",
        "primaryContact": True, "receiveNotifications": False,
        "reportPDFPasswordEnabled": False, "directoryName": "", "directoryInfo": "",
        "UTCOffset": "+09:00"}


class DsAdministratorTestCase(DsTestCase):

    def assert_administrator(self, admin):
        self.assertLessEqual(set(admin), set(ADMIN_TYPES), admin)
        self.assertLessEqual(ADMIN_ALWAYS, set(admin), admin)
        self.assertNotIn("password", admin)
        for name, value in admin.items():
            self.assertIs(type(value), ADMIN_TYPES[name], "%s: %r" % (name, value))
        self.assertIn(admin["locale"], ("en-US", "ja-JP"))
        self.assertIs(admin["external"], False)
        self.assertIs(admin["readOnly"], False)
        self.assertEqual(admin["type"], "normal")

    def create_admin(self, body, secret=None):
        resp = self.ds("POST", "/api/administrators", secret or self.master, body=body)
        self.assertEqual(resp.status, 200, resp)
        admin = resp.json()
        self.assert_administrator(admin)
        return admin

    def native_account(self, admin_id):
        resp = self.server.get("/v1/accounts/%d" % admin_id, token=self.master)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()


class DsAdministrators(DsAdministratorTestCase):

    def test_create_answers_every_field_typed_and_the_kept_ones_as_given(self):
        before = ms_now()
        body = {"username": "ada@example.com", "roleID": "2", "description": "from the SDK",
                "locale": "ja-JP", "timeZone": "Asia/Tokyo", "ID": 999, "type": "directory",
                "external": True, "unknownField": {"x": 1}}
        body.update(KEPT)
        admin = self.create_admin(body)
        self.assertEqual(admin["username"], "ada@example.com")
        self.assertEqual(admin["roleID"], 2)
        self.assertEqual(admin["description"], "from the SDK")
        self.assertEqual(admin["locale"], "ja-JP")
        self.assertEqual(admin["timeZone"], "Asia/Tokyo")
        self.assertIs(admin["active"], True)
        self.assertNotEqual(admin["ID"], 999)
        self.assertLessEqual(before - 1000, admin["created"])
        self.assertLessEqual(admin["created"], ms_now() + 1000)
        for name, value in KEPT.items():
            self.assertEqual(admin[name], value, name)
            self.assertIs(type(admin[name]), type(value), name)
        for absent in ("lastSignIn", "unlockTime", "unsuccessfulSignInAttempts",
                       "lastPasswordChange"):
            self.assertNotIn(absent, admin)

        native = self.native_account(admin["ID"])
        self.assertEqual(native["id"], str(admin["ID"]))
        self.assertEqual(native["email"], "ada@example.com")
        self.assertEqual(native["accessLevel"], "console_and_api")
        self.assertEqual(native["locale"], "ja-JP")
        self.assertIs(native["enabled"], True)

        resp = self.ds("GET", "/api/administrators/%d" % admin["ID"], self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), admin)

    def test_accounts_made_natively_are_listed_as_administrators(self):
        resp = self.ds("GET", "/api/administrators", self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(set(resp.json()), {"administrators"})
        admins = resp.json()["administrators"]
        for admin in admins:
            self.assert_administrator(admin)
        self.assertIn("admin@localhost", [a["username"] for a in admins])
        native = self.create_account(self.server, self.master, "grace@example.com",
                                     givenName="Grace", surname="Hopper")
        resp = self.ds("GET", "/api/administrators/%s" % native["id"], self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["username"], "grace@example.com")
        self.assertEqual(resp.json()["fullName"], "Grace Hopper")
        self.assertEqual(resp.json()["roleID"], 2)

    def test_modify_is_a_partial_merge(self):
        body = {"username": "merge@example.com", "roleID": 2, "description": "first"}
        body.update(KEPT)
        admin = self.create_admin(body)
        resp = self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master, body={
            "roleID": "1", "phoneNumber": "+1 555 0199", "fullName": None, "created": 1,
            "unknownField": True})
        self.assertEqual(resp.status, 200, resp)
        modified = resp.json()
        self.assert_administrator(modified)
        self.assertEqual(modified["roleID"], 1)
        self.assertEqual(modified["phoneNumber"], "+1 555 0199")
        self.assertEqual(modified["fullName"], "Ada Lovelace")
        self.assertEqual(modified["description"], "first")
        self.assertEqual(modified["created"], admin["created"])
        self.assertEqual(modified["emailAddress"], KEPT["emailAddress"])
        resp = self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master, body={
            "username": "renamed@example.com"})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(self.native_account(admin["ID"])["email"], "renamed@example.com")

    def test_active_false_disables_and_true_enables(self):
        admin = self.create_admin({"username": "act@example.com", "roleID": "2",
                                   "active": False})
        self.assertIs(admin["active"], False)
        self.assertIs(self.native_account(admin["ID"])["enabled"], False)
        resp = self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master,
                       body={"active": True})
        self.assertIs(resp.json()["active"], True)
        self.assertIs(self.native_account(admin["ID"])["enabled"], True)
        resp = self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master,
                       body={"active": False})
        self.assertIs(resp.json()["active"], False)
        events = [e for e in self.audit_events(self.server, self.master)
                  if e["target"].rsplit(":", 1)[-1] == str(admin["ID"])]
        self.assertEqual([e["action"] for e in reversed(events)],
                         ["account.create", "account.update", "account.update"])

    def test_password_is_a_one_time_password_the_console_asks_to_change(self):
        admin = self.create_admin({"username": "otp@example.com", "roleID": "2",
                                   "password": PASSWORD})
        self.assertIn("lastPasswordChange", admin)
        self.assertNotIn(PASSWORD, self.ds("GET", "/api/administrators", self.master).text)
        resp, session = self.server.sign_in("otp@example.com", PASSWORD)
        self.assertEqual(resp.status, 201, resp)
        self.assertIs(resp.json()["mustChangePassword"], True)
        self.assertIs(self.native_account(admin["ID"])["mustChangePassword"], True)
        # A new one set by modify replaces it.
        resp = self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master,
                       body={"password": NEW_PASSWORD})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(self.server.sign_in("otp@example.com", PASSWORD)[0].status, 401)
        resp, _ = self.server.sign_in("otp@example.com", NEW_PASSWORD)
        self.assertEqual(resp.status, 201, resp)
        self.assertIs(resp.json()["mustChangePassword"], True)
        for event in self.audit_events(self.server, self.master):
            self.assertNotIn(PASSWORD, str(event))
            self.assertNotIn(NEW_PASSWORD, str(event))

    def test_a_sign_in_lockout_reads_inactive_and_active_true_unlocks(self):
        admin = self.create_admin({"username": "locked@example.com", "roleID": "2",
                                   "password": PASSWORD})
        for _ in range(5):
            self.server.sign_in("locked@example.com", WRONG_PASSWORD)
        resp = self.ds("GET", "/api/administrators/%d" % admin["ID"], self.master)
        locked = resp.json()
        self.assert_administrator(locked)
        self.assertIs(locked["active"], False)
        self.assertGreater(locked["unlockTime"], ms_now())
        resp = self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master,
                       body={"active": True})
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["active"], True)
        self.assertNotIn("unlockTime", resp.json())
        self.assertEqual(self.server.sign_in("locked@example.com", PASSWORD)[0].status, 201)
        self.assertIn("account.unlock",
                      [e["action"] for e in self.audit_events(self.server, self.master)
                       if e["target"].rsplit(":", 1)[-1] == str(admin["ID"])])

    def test_search_on_several_fields(self):
        a = self.create_admin({"username": "s1@example.com", "roleID": 2, "fullName": "Sam One",
                               "emailAddress": "one@corp.example"})
        b = self.create_admin({"username": "s2@example.com", "roleID": 1, "fullName": "Sam Two"})
        self.create_admin({"username": "t3@example.com", "roleID": 2, "active": False})
        resp = self.ds("POST", "/api/administrators/search", self.master, body={
            "searchCriteria": [{"fieldName": "username", "stringTest": "equal",
                                "stringValue": "s_@example.com"}], "sortByObjectID": True})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(set(resp.json()), {"administrators"})
        self.assertEqual([x["ID"] for x in resp.json()["administrators"]], [a["ID"], b["ID"]])
        resp = self.ds("POST", "/api/administrators/search", self.master, body={
            "searchCriteria": [{"fieldName": "roleID", "numericTest": "equal", "numericValue": 2},
                               {"fieldName": "active", "booleanTest": True},
                               {"fieldName": "fullName", "stringTest": "equal",
                                "stringValue": "Sam%"}]})
        self.assertEqual([x["ID"] for x in resp.json()["administrators"]], [a["ID"]])
        resp = self.ds("POST", "/api/administrators/search", self.master, body={
            "searchCriteria": [{"fieldName": "emailAddress", "stringTest": "equal",
                                "stringValue": "one@corp.example"},
                               {"fieldName": "created", "firstDateValue": a["created"] - 1000,
                                "lastDateValue": ms_now() + 1000},
                               {"fieldName": "ID", "idTest": "equal", "idValue": a["ID"]}]})
        self.assertEqual([x["ID"] for x in resp.json()["administrators"]], [a["ID"]])
        resp = self.ds("POST", "/api/administrators/search", self.master, body={"maxItems": 2})
        self.assertEqual(len(resp.json()["administrators"]), 2)

    def test_delete_answers_204_and_every_change_is_audited(self):
        admin = self.create_admin({"username": "gone@example.com", "roleID": "2"})
        self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master,
                body={"description": "x"})
        resp = self.ds("DELETE", "/api/administrators/%d" % admin["ID"], self.master)
        self.assertEqual(resp.status, 204, resp)
        self.assert_message(self.ds("GET", "/api/administrators/%d" % admin["ID"], self.master),
                            404, "The administrator does not exist.")
        actions = [e["action"] for e in self.audit_events(self.server, self.master)
                   if e["target"].rsplit(":", 1)[-1] == str(admin["ID"])]
        for action in ("account.create", "account.update", "account.delete"):
            self.assertIn(action, actions)


class DsAdministratorErrors(DsAdministratorTestCase):

    def test_username_must_be_an_email_address(self):
        resp = self.ds("POST", "/api/administrators", self.master,
                       body={"username": "not-an-email", "roleID": "2"})
        self.assert_message(resp, 400, contains=["username"])
        admin = self.create_admin({"username": "ok@example.com", "roleID": "2"})
        resp = self.ds("POST", "/api/administrators/%d" % admin["ID"], self.master,
                       body={"username": "nope"})
        self.assert_message(resp, 400, contains=["username"])

    def test_required_and_wrongly_typed_fields_are_named(self):
        self.assert_message(self.ds("POST", "/api/administrators", self.master,
                                    body={"roleID": "2"}), 400, contains=["username"])
        self.assert_message(self.ds("POST", "/api/administrators", self.master,
                                    body={"username": "r@example.com"}), 400,
                            contains=["roleID"])
        for name, value in (("roleID", "two"), ("fullName", 5), ("primaryContact", "yes"),
                            ("active", 1), ("description", [])):
            body = {"username": "typed@example.com", "roleID": "2", name: value}
            resp = self.ds("POST", "/api/administrators", self.master, body=body)
            self.assert_message(resp, 400, contains=[name])

    def test_values_core_refuses_are_named_as_the_dialect_spells_them(self):
        for name, value in (("roleID", "4242"), ("locale", "fr-FR"), ("timeZone", "Mars/Base"),
                            ("password", "short")):
            body = {"username": "v@example.com", "roleID": "2", name: value}
            resp = self.ds("POST", "/api/administrators", self.master, body=body)
            self.assert_message(resp, 400, contains=[name])
        self.create_admin({"username": "taken@example.com", "roleID": "2"})
        resp = self.ds("POST", "/api/administrators", self.master,
                       body={"username": "taken@example.com", "roleID": "2"})
        self.assert_message(resp, 400)

    def test_escalation_no_administrator_above_the_callers_role(self):
        full_access = self.create("full", role="1")["secretKey"]
        resp = self.ds("POST", "/api/administrators", full_access,
                       body={"username": "boss@example.com", "roleID": "3"})
        self.assert_message(resp, 403)
        resp = self.ds("GET", "/api/administrators", self.master)
        self.assertNotIn("boss@example.com", resp.text)
        master = [a for a in resp.json()["administrators"]
                  if a["username"] == "admin@localhost"][0]
        self.assertEqual(master["roleID"], 3)
        resp = self.ds("POST", "/api/administrators/%d" % master["ID"], full_access,
                       body={"description": "taken over"})
        self.assert_message(resp, 403)

    def test_an_auditor_key_may_view_but_not_change(self):
        auditor = self.create("auditor", role="2")["secretKey"]
        self.assertEqual(self.ds("GET", "/api/administrators", auditor).status, 200)
        self.assert_message(self.ds("POST", "/api/administrators", auditor,
                                    body={"username": "x@example.com", "roleID": "2"}), 403,
                            "Not authorized to create administrators.")
        self.assert_message(self.ds("POST", "/api/administrators/1", auditor,
                                    body={"description": "x"}), 403,
                            "Not authorized to edit administrators.")
        self.assert_message(self.ds("DELETE", "/api/administrators/1", auditor), 403,
                            "Not authorized to delete administrators.")

    def test_unknown_administrators_do_not_exist(self):
        for method in ("GET", "DELETE"):
            for path in ("/api/administrators/4242", "/api/administrators/abc"):
                self.assert_message(self.ds(method, path, self.master), 404,
                                    "The administrator does not exist.")
        self.assert_message(self.ds("POST", "/api/administrators/4242", self.master,
                                    body={"description": "x"}), 404,
                            "The administrator does not exist.")

    def test_words_follow_the_keys_locale(self):
        key = self.create("japanese", role="2", locale="ja-JP")["secretKey"]
        self.assert_message(self.ds("GET", "/api/administrators/4242", key), 404,
                            "管理者が存在しません。")
        self.assert_message(self.ds("DELETE", "/api/administrators/1", key), 403,
                            "管理者を削除する権限がありません。")
