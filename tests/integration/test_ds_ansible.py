"""The Ansible collection trendmicro.deepsec against the real binary (docs/deep-security.md "The
Ansible collection"): its httpapi session (POST /rest/authentication/login/primary with a user
name and password, then `Cookie: sID=...` with Content-Type and Accept but no api-version, `{}`
bodies on GET and DELETE, logout with ?sID=), the deepsec_apikey module's calls for every state
(present, gathered, absent, a new secret for a named key and for the current one), lockout and
access level as on console sign-in, and the key-holder variant (ansible_httpapi_session_key sent
as headers)."""

from accounts_common import NEW_PASSWORD, WRONG_PASSWORD, AccountsTestCase
from harness import BOOTSTRAP_EMAIL

LOGIN = "/rest/authentication/login/primary"
LOGOUT = "/rest/authentication/logout"
# What the httpapi plugin sends on every call.
PLUGIN_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class AnsibleSession(AccountsTestCase):

    # --- the plugin's requests ---

    def login(self, user, password):
        return self.server.request("POST", LOGIN, body={"dsCredentials": {
            "userName": user, "password": password}}, headers=dict(PLUGIN_HEADERS))

    def login_ok(self, user, password=NEW_PASSWORD):
        resp = self.login(user, password)
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/plain"), resp)
        sid = resp.text
        self.assertRegex(sid, r"^[0-9A-Za-z]+$")
        return sid

    def call(self, sid, method, path, body=None, headers=None):
        """A module's call through the session: the cookie, no api-version, `{}` on GET and
        DELETE."""
        all_headers = dict(PLUGIN_HEADERS, Cookie="sID=%s" % sid)
        all_headers.update(headers or {})
        raw = None
        if body is None:
            raw = "{}" if method in ("GET", "DELETE") else ""
        return self.server.request(method, path, body=body, raw=raw, headers=all_headers)

    def keyholder_call(self, secret, method, path, body=None):
        """The key-holder variant: ansible_httpapi_session_key's members sent as headers."""
        headers = dict(PLUGIN_HEADERS, **{"api-secret-key": secret, "api-version": "v1"})
        raw = None
        if body is None:
            raw = "{}" if method in ("GET", "DELETE") else ""
        return self.server.request(method, path, body=body, raw=raw, headers=headers)

    def find_by_name(self, sid, name):
        resp = self.call(sid, "POST", "/api/apikeys/search", body={"searchCriteria": [
            {"fieldName": "keyName", "stringTest": "equal", "stringValue": name}]})
        self.assertEqual(resp.status, 200, resp)
        return resp.json()["apiKeys"]

    def operator(self, email="ops@example.com", role="Full Access",
                 access_level="console_and_api"):
        """An account with a password changed from its one-time password (NEW_PASSWORD)."""
        account, otp = self.with_password(email, role=role, access_level=access_level)
        self.signed_in(email, otp)
        return account

    def message(self, resp, status):
        self.assertEqual(resp.status, status, resp)
        body = resp.json()
        self.assertEqual(set(body), {"message"}, body)
        return body["message"]

    # --- tests ---

    def test_login_answers_the_session_id_as_plain_text_never_as_a_cookie(self):
        self.operator()
        resp = self.login("ops@example.com", NEW_PASSWORD)
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/plain"), resp)
        self.assertIsNone(resp.header("Set-Cookie"), resp.headers)
        self.assertTrue(resp.text)
        self.assertEqual(self.call(resp.text, "GET", "/api/apikeys").status, 200)

    def test_deepsec_apikey_present_gathered_secret_and_absent(self):
        account = self.operator()
        sid = self.login_ok("ops@example.com")

        # state: present, the key absent -> search, then create.
        self.assertEqual(self.find_by_name(sid, "ansible-key"), [])
        resp = self.call(sid, "POST", "/api/apikeys", body={
            "keyName": "ansible-key", "description": "made by ansible", "roleID": 2,
            "locale": "en-US", "timeZone": "UTC", "active": True})
        self.assertEqual(resp.status, 200, resp)
        created = resp.json()
        self.assertIn("secretKey", created)
        key_id = created["ID"]

        # state: present again, the key exists -> search finds it -> modify.
        found = self.find_by_name(sid, "ansible-key")
        self.assertEqual([k["ID"] for k in found], [key_id])
        resp = self.call(sid, "POST", "/api/apikeys/%d" % key_id, body={
            "keyName": "ansible-key", "description": "changed by ansible", "roleID": 2,
            "locale": "en-US", "timeZone": "UTC", "active": True})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["description"], "changed by ansible")

        # state: gathered -> the list, and one key by id.
        resp = self.call(sid, "GET", "/api/apikeys")
        self.assertEqual(resp.status, 200, resp)
        self.assertIn(key_id, [k["ID"] for k in resp.json()["apiKeys"]])
        resp = self.call(sid, "GET", "/api/apikeys/%d" % key_id)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["keyName"], "ansible-key")

        # A new secret for the named key: the body carries the key's fields, secretKey included.
        resp = self.call(sid, "POST", "/api/apikeys/%d/secretkey" % key_id, body=dict(
            found[0], secretKey=created["secretKey"]))
        self.assertEqual(resp.status, 200, resp)
        new_secret = resp.json()["secretKey"]
        self.assertNotEqual(new_secret, created["secretKey"])
        self.assertEqual(self.keyholder_call(created["secretKey"], "GET",
                                             "/api/apikeys/current").status, 401)
        self.assertEqual(self.keyholder_call(new_secret, "GET", "/api/apikeys/current").status,
                         200)

        # state: absent -> search, then delete.
        found = self.find_by_name(sid, "ansible-key")
        resp = self.call(sid, "DELETE", "/api/apikeys/%d" % found[0]["ID"])
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(self.find_by_name(sid, "ansible-key"), [])

        # Every change was made as the account, in the audit trail like any other.
        actor = "account:%s" % account["id"]
        target = "apikey:%d" % key_id
        events = self.audit_events(self.server, self.admin, target=target)
        actions = {e["action"] for e in events if e["actor"] == actor}
        self.assertLessEqual({"apikey.create", "apikey.update", "apikey.rotate",
                              "apikey.delete"}, actions, events)

    def test_key_holder_variant_renews_the_current_secret(self):
        made = self.server.post("/v1/apikeys", {"name": "holder", "role": "Full Access"},
                                token=self.admin)
        self.assertEqual(made.status, 201, made)
        secret = made.json()["secret"]
        resp = self.keyholder_call(secret, "GET", "/api/apikeys")
        self.assertEqual(resp.status, 200, resp)
        resp = self.keyholder_call(secret, "POST", "/api/apikeys/current/secretkey",
                                   body={"keyName": "holder", "secretKey": secret})
        self.assertEqual(resp.status, 200, resp)
        renewed = resp.json()
        self.assertEqual(renewed["ID"], int(made.json()["id"]))
        self.assertEqual(self.keyholder_call(secret, "GET", "/api/apikeys").status, 401)
        self.assertEqual(self.keyholder_call(renewed["secretKey"], "GET", "/api/apikeys").status,
                         200)

    def test_logout_ends_the_session(self):
        self.operator()
        sid = self.login_ok("ops@example.com")
        self.assertEqual(self.call(sid, "GET", "/api/apikeys").status, 200)
        resp = self.server.request("DELETE", LOGOUT + "?sID=" + sid)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.body, b"")
        self.assertEqual(self.call(sid, "GET", "/api/apikeys").status, 401)
        # Logging out again: the session is gone.
        self.assertEqual(self.server.request("DELETE", LOGOUT + "?sID=" + sid).status, 401)
        self.assertEqual(self.server.request("DELETE", LOGOUT).status, 400)

    def test_sign_in_and_out_are_audited_like_console_sessions(self):
        account = self.operator()
        sid = self.login_ok("ops@example.com")
        self.server.request("DELETE", LOGOUT + "?sID=" + sid)
        actions = [e["action"] for e in self.audit_events(self.server, self.admin)
                   if e["target"].endswith(":" + account["id"])]
        self.assertGreaterEqual(actions.count("session.create"), 2)  # console + Ansible
        self.assertIn("session.delete", actions)

    def test_wrong_passwords_lock_like_console_sign_in(self):
        self.operator()
        for _ in range(5):
            resp = self.login("ops@example.com", WRONG_PASSWORD)
            self.message(resp, 401)
        resp = self.login("ops@example.com", NEW_PASSWORD)
        self.message(resp, 429)
        self.assertIsNotNone(resp.header("Retry-After"))
        # The same lockout as the console's.
        resp, _ = self.server.sign_in("ops@example.com", NEW_PASSWORD)
        self.assertEqual(resp.status, 429, resp)

    def test_an_api_only_account_cannot_log_in(self):
        account, password = self.with_password("robot@example.com", role="Full Access",
                                               access_level="api_only")
        # The right password: refused for the access level, in the dialect's words.
        resp = self.login("robot@example.com", password)
        self.assertIn("console_and_api", self.message(resp, 403))
        self.assertFalse(resp.header("Content-Type").startswith("text/plain"), resp)
        self.assertIsNone(resp.header("Set-Cookie"), resp.headers)
        # A wrong one is a wrong password, as for anyone.
        self.message(self.login("robot@example.com", WRONG_PASSWORD), 401)

    def test_an_accounts_token_is_read_only_here_too(self):
        account, _ = self.with_password("tokened@example.com", role="Auditor")
        token = self.generate_token(account["id"])
        key_id = int(token["token"]["keyId"])
        headers = dict(PLUGIN_HEADERS, **{"api-secret-key": self.admin, "api-version": "v1"})
        resp = self.server.request("POST", "/api/apikeys/%d" % key_id,
                                   body={"description": "x"}, headers=headers)
        self.assertIn("account", self.message(resp, 400))
        resp = self.server.request("GET", "/api/apikeys", raw="{}", headers=headers)
        self.assertIn(key_id, [k["ID"] for k in resp.json()["apiKeys"]])

    def test_a_console_only_account_cannot_log_in(self):
        self.operator("viewer@example.com", access_level="console_only")
        resp = self.login("viewer@example.com", NEW_PASSWORD)
        self.assertIn("console_and_api", self.message(resp, 403))

    def test_a_one_time_password_must_be_changed_first(self):
        account, otp = self.with_password("fresh@example.com", role="Full Access")
        sid = self.login_ok("fresh@example.com", otp)
        resp = self.call(sid, "GET", "/api/apikeys")
        self.assertIn("one-time password", self.message(resp, 403))

    def test_the_session_has_the_account_role(self):
        self.operator("auditor@example.com", role="Auditor")
        sid = self.login_ok("auditor@example.com")
        self.assertEqual(self.call(sid, "GET", "/api/apikeys").status, 200)
        resp = self.call(sid, "POST", "/api/apikeys", body={"keyName": "x", "roleID": 2})
        self.assertEqual(self.message(resp, 403), "Not authorized to create API keys.")

    def test_session_rules_on_headers(self):
        self.operator()
        sid = self.login_ok("ops@example.com")
        # An api-version other than v1 is refused; v1 is fine.
        resp = self.call(sid, "GET", "/api/apikeys", headers={"api-version": "v2"})
        self.assertIn("v1", self.message(resp, 400))
        self.assertEqual(
            self.call(sid, "GET", "/api/apikeys", headers={"api-version": "v1"}).status, 200)
        # A session and a key together are two credentials.
        resp = self.call(sid, "GET", "/api/apikeys", headers={"api-secret-key": self.admin})
        self.message(resp, 400)
        # No CSRF token is asked of the session's changes.
        resp = self.call(sid, "POST", "/api/apikeys", body={"keyName": "no-csrf", "roleID": 2})
        self.assertEqual(resp.status, 200, resp)
        # The session id is no console cookie, nor the other way round: the native API refuses
        # the sID cookie, and the dialect takes only sID.
        self.assertEqual(self.server.request("GET", "/v1/apikeys",
                                             headers={"Cookie": "sID=" + sid}).status, 401)

    def test_login_takes_no_api_key_and_needs_credentials(self):
        self.operator()
        resp = self.server.request("POST", LOGIN, body={"dsCredentials": {
            "userName": "ops@example.com", "password": NEW_PASSWORD}},
            headers=dict(PLUGIN_HEADERS, **{"api-secret-key": self.admin}))
        self.message(resp, 403)
        resp = self.server.request("POST", LOGIN, body={}, headers=dict(PLUGIN_HEADERS))
        self.assertIn("dsCredentials", self.message(resp, 400))
        resp = self.server.request("POST", LOGIN, body={"dsCredentials": {"userName": "x"}},
                                   headers=dict(PLUGIN_HEADERS))
        self.assertIn("dsCredentials.password", self.message(resp, 400))
        resp = self.server.request("POST", LOGIN, body={"dsCredentials": {
            "userName": 5, "password": "x"}}, headers=dict(PLUGIN_HEADERS))
        self.assertIn("dsCredentials.userName", self.message(resp, 400))
        resp = self.server.request("POST", LOGIN, body={"dsCredentials": "ops"},
                                   headers=dict(PLUGIN_HEADERS))
        self.assertIn("dsCredentials", self.message(resp, 400))

    def test_the_bootstrap_administrator_logs_in_after_changing_its_password(self):
        self.console_admin()
        sid = self.login_ok(BOOTSTRAP_EMAIL, "admin passphrase 0001")
        self.assertEqual(self.call(sid, "GET", "/api/apikeys/1").status, 200)
