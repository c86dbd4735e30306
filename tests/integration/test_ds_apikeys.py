"""The Deep Security dialect's API keys on the real binary (docs/deep-security.md): the requests
the Deep Security SDK sends, headers included (api-version: v1, api-secret-key, Content-Type and
Accept: application/json on every call, `{}` bodies on GET and DELETE, empty bodies on bodyless
POSTs, roleID as "2"), every ApiKey field's name and type, the seed sequence (create, modify the
role, reset the secret, lock out with active: false, unlock, delete), the same key through the
native API and the audit trail, the dialect's errors and words (en-US and ja-JP) and the search
language over real keys."""

import time

from harness import JAPANESE_RE, TOKEN_RE, KeywardTestCase

SDK_HEADERS = {"api-version": "v1", "Content-Type": "application/json",
               "Accept": "application/json"}

# The ApiKey object: every field's JSON type (bool is checked apart from int).
APIKEY_TYPES = {"ID": int, "keyName": str, "description": str, "locale": str, "roleID": int,
                "timeZone": str, "active": bool, "created": int, "lastSignIn": int,
                "unlockTime": int, "unsuccessfulSignInAttempts": int, "expiryDate": int,
                "serviceAccount": bool}
# Present on every key (the optional times are omitted when unset).
APIKEY_ALWAYS = {"ID", "keyName", "description", "locale", "roleID", "timeZone", "active",
                 "created", "unsuccessfulSignInAttempts", "serviceAccount"}
CURRENT_TYPES = {"roleURN": str, "tenantID": int, "tenantGUID": str}

FULL_ACCESS, AUDITOR, MASTER = 1, 2, 3


def ms_now():
    return int(time.time() * 1000)


class DsTestCase(KeywardTestCase):
    """A fresh server per test; `self.master` is the bootstrap Master Administrator key."""

    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.master = self.server.bootstrap_key()

    def ds(self, method, path, secret=None, body=None, auth="api-secret-key", headers=None,
           raw=None):
        """One call as the SDK makes it: its headers, `{}` on GET and DELETE, an empty body on a
        bodyless POST."""
        all_headers = dict(SDK_HEADERS)
        if secret is not None:
            if auth == "api-secret-key":
                all_headers["api-secret-key"] = secret
            elif auth == "ApiKey":
                all_headers["Authorization"] = "ApiKey " + secret
            elif auth == "Bearer":
                all_headers["Authorization"] = "Bearer " + secret
        all_headers.update(headers or {})
        for name in [n for n, v in all_headers.items() if v is None]:
            del all_headers[name]
        if body is None and raw is None:
            raw = "{}" if method in ("GET", "DELETE") else ""
        return self.server.request(method, path, body=body, raw=raw, headers=all_headers)

    def assert_api_key(self, key, secret=False, current=False):
        """Every field of `key` has the documented name and type; the secret only when asked."""
        allowed = set(APIKEY_TYPES) | ({"secretKey"} if secret else set()) | (
            set(CURRENT_TYPES) if current else set())
        self.assertLessEqual(set(key), allowed, key)
        self.assertLessEqual(APIKEY_ALWAYS, set(key), key)
        types = dict(APIKEY_TYPES, **(CURRENT_TYPES if current else {}))
        for name, value in key.items():
            if name == "secretKey":
                self.assertRegex(value, TOKEN_RE)
                continue
            self.assertIs(type(value), types[name], "%s: %r" % (name, value))
        self.assertIn(key["locale"], ("en-US", "ja-JP"))
        self.assertIs(key["serviceAccount"], False)
        if secret:
            self.assertIn("secretKey", key)
        if current:
            self.assertLessEqual(set(CURRENT_TYPES), set(key), key)

    def assert_message(self, resp, status, message=None, contains=None):
        self.assertEqual(resp.status, status, resp)
        self.assertTrue((resp.header("Content-Type") or "").startswith("application/json"), resp)
        body = resp.json()
        self.assertEqual(set(body), {"message"}, body)
        self.assertIsInstance(body["message"], str)
        self.assertTrue(body["message"])
        if message is not None:
            self.assertEqual(body["message"], message, body)
        for part in contains or ():
            self.assertIn(part, body["message"], body)
        return body["message"]

    def create(self, name, role="2", secret=None, **fields):
        body = {"keyName": name, "roleID": role}
        body.update(fields)
        resp = self.ds("POST", "/api/apikeys", secret or self.master, body=body)
        self.assertEqual(resp.status, 200, resp)
        key = resp.json()
        self.assert_api_key(key, secret=True)
        return key


class ApiKeyObjects(DsTestCase):

    def test_create_answers_the_api_key_with_its_secret_and_every_field_typed(self):
        before = ms_now()
        key = self.create("sdk-made", role="2", description="from the SDK", locale="en-US",
                          timeZone="America/New_York")
        self.assertEqual(key["keyName"], "sdk-made")
        self.assertEqual(key["description"], "from the SDK")
        self.assertEqual(key["roleID"], AUDITOR)
        self.assertEqual(key["timeZone"], "America/New_York")
        self.assertIs(key["active"], True)
        self.assertEqual(key["unsuccessfulSignInAttempts"], 0)
        self.assertLessEqual(before - 1000, key["created"])
        self.assertLessEqual(key["created"], ms_now() + 1000)
        for absent in ("lastSignIn", "unlockTime", "expiryDate"):
            self.assertNotIn(absent, key)

    def test_describe_list_and_search_answer_the_same_key_without_its_secret(self):
        key = self.create("listed", role=AUDITOR)
        resp = self.ds("GET", "/api/apikeys/%d" % key["ID"], self.master)
        self.assertEqual(resp.status, 200, resp)
        described = resp.json()
        self.assert_api_key(described)
        self.assertEqual(described["ID"], key["ID"])
        self.assertEqual(described["keyName"], "listed")

        resp = self.ds("GET", "/api/apikeys", self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(set(resp.json()), {"apiKeys"})
        for listed in resp.json()["apiKeys"]:
            self.assert_api_key(listed)
        self.assertIn(key["ID"], [k["ID"] for k in resp.json()["apiKeys"]])
        self.assertNotIn(key["secretKey"], resp.text)

        resp = self.ds("POST", "/api/apikeys/search", self.master, body={
            "searchCriteria": [{"fieldName": "keyName", "stringTest": "equal",
                                "stringValue": "listed"}]})
        self.assertEqual(resp.status, 200, resp)
        found = resp.json()["apiKeys"]
        self.assertEqual([k["ID"] for k in found], [key["ID"]])
        self.assert_api_key(found[0])

    def test_search_without_a_body_answers_every_key(self):
        self.create("one")
        resp = self.ds("POST", "/api/apikeys/search", self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(len(resp.json()["apiKeys"]), 2)

    def test_current_answers_the_calling_key_with_role_urn_and_tenant(self):
        key = self.create("me", role="2")
        resp = self.ds("GET", "/api/apikeys/current", key["secretKey"])
        self.assertEqual(resp.status, 200, resp)
        current = resp.json()
        self.assert_api_key(current, current=True)
        self.assertEqual(current["ID"], key["ID"])
        self.assertEqual(current["roleURN"], "urn:keyward:role:2")
        self.assertEqual(current["tenantID"], 0)
        self.assertEqual(current["tenantGUID"], "00000000-0000-0000-0000-000000000000")

    def test_every_authentication_header_works(self):
        key = self.create("auth-styles", role="2")
        for auth in ("api-secret-key", "ApiKey", "Bearer"):
            resp = self.ds("GET", "/api/apikeys/current", key["secretKey"], auth=auth)
            self.assertEqual(resp.status, 200, (auth, resp))
            self.assertEqual(resp.json()["ID"], key["ID"])

    def test_two_different_credentials_are_refused(self):
        key = self.create("two", role="2")
        resp = self.ds("GET", "/api/apikeys/current", self.master,
                       headers={"Authorization": "ApiKey " + key["secretKey"]})
        self.assert_message(resp, 400)

    def test_expiry_in_epoch_milliseconds_is_kept_and_may_be_sent_back_unchanged(self):
        expiry = (ms_now() // 1000 + 86400) * 1000
        key = self.create("expiring", expiryDate=expiry)
        self.assertEqual(key["expiryDate"], expiry)
        resp = self.ds("POST", "/api/apikeys/%d" % key["ID"], self.master,
                       body=dict((k, v) for k, v in key.items() if k != "secretKey"))
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["expiryDate"], expiry)
        resp = self.ds("POST", "/api/apikeys/%d" % key["ID"], self.master,
                       body={"expiryDate": expiry + 3600 * 1000})
        self.assert_message(resp, 400, contains=["expiryDate"])

    def test_modify_is_a_partial_merge_and_ignores_read_only_fields(self):
        key = self.create("merge", description="first", timeZone="Asia/Tokyo")
        resp = self.ds("POST", "/api/apikeys/%d" % key["ID"], self.master, body={
            "description": "second", "ID": 999, "created": 1, "secretKey": "nope",
            "serviceAccount": True, "unknownField": {"x": 1}})
        self.assertEqual(resp.status, 200, resp)
        modified = resp.json()
        self.assert_api_key(modified)
        self.assertEqual(modified["ID"], key["ID"])
        self.assertEqual(modified["description"], "second")
        self.assertEqual(modified["keyName"], "merge")
        self.assertEqual(modified["timeZone"], "Asia/Tokyo")
        self.assertEqual(modified["created"], key["created"])
        self.assertIs(modified["serviceAccount"], False)
        # The old secret still works: ignoring secretKey changed nothing.
        self.assertEqual(self.ds("GET", "/api/apikeys/current", key["secretKey"]).status, 200)


class SeedSequence(DsTestCase):

    def test_create_modify_role_reset_secret_lock_unlock_delete(self):
        key = self.create("seed-003", role="2")
        path = "/api/apikeys/%d" % key["ID"]
        old_secret = key["secretKey"]

        # Modify its role (as a numeric string, as the samples send it).
        resp = self.ds("POST", path, self.master, body={"roleID": "1"})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["roleID"], FULL_ACCESS)

        # Reset its secret: the old secret is refused at once, the new one works.
        resp = self.ds("POST", path + "/secretkey", self.master)
        self.assertEqual(resp.status, 200, resp)
        rotated = resp.json()
        self.assert_api_key(rotated, secret=True)
        new_secret = rotated["secretKey"]
        self.assertNotEqual(new_secret, old_secret)
        self.assert_message(self.ds("GET", "/api/apikeys/current", old_secret), 401,
                            message="Invalid API Key")
        self.assertEqual(self.ds("GET", "/api/apikeys/current", new_secret).status, 200)

        # Lock it out: active false, its calls refused.
        resp = self.ds("POST", path, self.master, body={"active": False})
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["active"], False)
        self.assert_message(self.ds("GET", "/api/apikeys/current", new_secret), 401,
                            message="Invalid API Key")
        self.assertIs(self.ds("GET", path, self.master).json()["active"], False)

        # active true unlocks it.
        resp = self.ds("POST", path, self.master, body={"active": True})
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["active"], True)
        self.assertEqual(self.ds("GET", "/api/apikeys/current", new_secret).status, 200)

        # Delete: 204, then 404 in the dialect's words.
        resp = self.ds("DELETE", path, self.master)
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        self.assert_message(self.ds("GET", path, self.master), 404,
                            message="The API key does not exist.")
        self.assert_message(self.ds("DELETE", path, self.master), 404,
                            message="The API key does not exist.")

    def test_the_key_is_the_same_object_in_the_native_api(self):
        key = self.create("both-surfaces", role="2", description="same")
        resp = self.server.get("/v1/apikeys/%d" % key["ID"], token=self.master)
        self.assertEqual(resp.status, 200, resp)
        native = resp.json()
        self.assertEqual(native["id"], str(key["ID"]))
        self.assertEqual(native["name"], "both-surfaces")
        self.assertEqual(native["description"], "same")
        self.assertEqual(native["role"]["id"], "2")
        # And a key made natively is seen by the dialect, with the same id.
        made = self.create_key(self.server, self.master, "native-made", role="Full Access")
        resp = self.ds("GET", "/api/apikeys/%s" % made["id"], self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["keyName"], "native-made")
        self.assertEqual(resp.json()["roleID"], FULL_ACCESS)
        # The dialect's secret works on the native API.
        resp = self.server.get("/v1/apikeys/current", token=key["secretKey"])
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["id"], str(key["ID"]))

    def test_every_change_is_in_the_audit_trail(self):
        key = self.create("audited", role="2")
        path = "/api/apikeys/%d" % key["ID"]
        self.assertEqual(self.ds("POST", path, self.master, body={"roleID": 1}).status, 200)
        self.assertEqual(self.ds("POST", path + "/secretkey", self.master).status, 200)
        self.assertEqual(self.ds("POST", path, self.master, body={"active": False}).status, 200)
        self.assertEqual(self.ds("POST", path, self.master, body={"active": True}).status, 200)
        self.assertEqual(self.ds("DELETE", path, self.master).status, 204)
        target = "apikey:%d" % key["ID"]
        actions = [e["action"] for e in self.audit_events(self.server, self.master, target=target)]
        for action in ("apikey.create", "apikey.update", "apikey.rotate", "apikey.lock",
                       "apikey.unlock", "apikey.delete"):
            self.assertIn(action, actions)
        events = self.audit_events(self.server, self.master, target=target)
        self.assertTrue(all(e["actor"] == "apikey:1" for e in events), events)

    def test_current_modify_and_secret_reset_act_on_the_calling_key(self):
        key = self.create("self-service", role="1")
        resp = self.ds("POST", "/api/apikeys/current", key["secretKey"],
                       body={"description": "mine"})
        self.assertEqual(resp.status, 200, resp)
        self.assert_api_key(resp.json(), current=True)
        self.assertEqual(resp.json()["description"], "mine")
        resp = self.ds("POST", "/api/apikeys/current/secretkey", key["secretKey"])
        self.assertEqual(resp.status, 200, resp)
        rotated = resp.json()
        self.assert_api_key(rotated, secret=True)
        self.assertEqual(rotated["ID"], key["ID"])
        self.assertEqual(self.ds("GET", "/api/apikeys/current", key["secretKey"]).status, 401)
        self.assertEqual(self.ds("GET", "/api/apikeys/current", rotated["secretKey"]).status,
                         200)


class Errors(DsTestCase):

    def test_api_version_is_required_and_must_be_v1(self):
        resp = self.ds("GET", "/api/apikeys", self.master, headers={"api-version": None})
        self.assert_message(resp, 400, contains=["api-version", "v1"])
        resp = self.ds("GET", "/api/apikeys", self.master, headers={"api-version": "v2"})
        self.assert_message(resp, 400, contains=["api-version", "v1"])

    def test_bad_json_and_a_body_that_is_not_an_object(self):
        self.assert_message(self.ds("POST", "/api/apikeys", self.master, raw='{"keyName": '), 400,
                            contains=["JSON"])
        self.assert_message(self.ds("POST", "/api/apikeys", self.master, raw="[1]"), 400)

    def test_a_body_of_another_content_type_is_refused(self):
        resp = self.ds("POST", "/api/apikeys", self.master, raw="keyName=x",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assert_message(resp, 400, contains=["Content-Type"])

    def test_wrongly_typed_and_missing_fields_are_named(self):
        resp = self.ds("POST", "/api/apikeys", self.master, body={"keyName": 5, "roleID": 2})
        self.assert_message(resp, 400, contains=["keyName"])
        resp = self.ds("POST", "/api/apikeys", self.master, body={"keyName": "x", "roleID": "two"})
        self.assert_message(resp, 400, contains=["roleID"])
        resp = self.ds("POST", "/api/apikeys", self.master, body={"roleID": 2})
        self.assert_message(resp, 400, contains=["keyName"])
        resp = self.ds("POST", "/api/apikeys", self.master, body={"keyName": "x"})
        self.assert_message(resp, 400, contains=["roleID"])
        resp = self.ds("POST", "/api/apikeys", self.master,
                       body={"keyName": "x", "roleID": 2, "active": "yes"})
        self.assert_message(resp, 400, contains=["active"])
        resp = self.ds("POST", "/api/apikeys", self.master,
                       body={"keyName": "x", "roleID": 2, "expiryDate": "soon"})
        self.assert_message(resp, 400, contains=["expiryDate"])

    def test_unknown_fields_are_ignored(self):
        key = self.create("ignoring", role="2", somethingNew=[1, 2], serviceAccount=False)
        self.assertEqual(key["keyName"], "ignoring")

    def test_a_duplicate_name_and_an_unknown_role_are_400s_with_core_words(self):
        self.create("taken")
        resp = self.ds("POST", "/api/apikeys", self.master, body={"keyName": "taken", "roleID": 2})
        self.assert_message(resp, 400, contains=["taken"])
        resp = self.ds("POST", "/api/apikeys", self.master, body={"keyName": "x", "roleID": 999})
        self.assert_message(resp, 400, contains=["999"])

    def test_401_words(self):
        self.assert_message(self.ds("GET", "/api/apikeys"), 401, message="Invalid API Key")
        self.assert_message(self.ds("GET", "/api/apikeys", "kw_not_a_key"), 401,
                            message="Invalid API Key")
        self.assert_message(self.ds("GET", "/api/apikeys", "x", auth="ApiKey"), 401,
                            message="Invalid API Key")

    def test_403_words_for_an_auditor_key(self):
        auditor = self.create("auditor", role="2")["secretKey"]
        self.assertEqual(self.ds("GET", "/api/apikeys", auditor).status, 200)
        resp = self.ds("POST", "/api/apikeys", auditor, body={"keyName": "x", "roleID": 2})
        self.assert_message(resp, 403, message="Not authorized to create API keys.")
        resp = self.ds("POST", "/api/apikeys/1", auditor, body={"description": "x"})
        self.assert_message(resp, 403, message="Not authorized to edit API keys.")
        resp = self.ds("DELETE", "/api/apikeys/1", auditor)
        self.assert_message(resp, 403, message="Not authorized to delete API keys.")
        resp = self.ds("POST", "/api/apikeys/1/secretkey", auditor)
        self.assert_message(resp, 403, message="Not authorized to edit API keys.")
        # The calling key: any key reads itself; changing it takes apikeys:edit.
        self.assertEqual(self.ds("GET", "/api/apikeys/current", auditor).status, 200)
        resp = self.ds("POST", "/api/apikeys/current", auditor, body={"description": "x"})
        self.assert_message(resp, 403, message="Not authorized to edit API keys.")
        resp = self.ds("POST", "/api/apikeys/current/secretkey", auditor)
        self.assert_message(resp, 403, message="Not authorized to edit API keys.")

    def test_404_words_and_unknown_routes(self):
        self.assert_message(self.ds("GET", "/api/apikeys/424242", self.master), 404,
                            message="The API key does not exist.")
        self.assert_message(self.ds("GET", "/api/apikeys/abc", self.master), 404,
                            message="The API key does not exist.")
        self.assert_message(self.ds("GET", "/api/nowhere", self.master), 404)
        resp = self.ds("PUT", "/api/apikeys/1", self.master)
        self.assert_message(resp, 405)
        self.assertIn("POST", resp.header("Allow"))

    def test_a_ja_jp_key_gets_japanese_words(self):
        key = self.create("japanese", role="2", locale="ja-JP")
        self.assertEqual(key["locale"], "ja-JP")
        secret = key["secretKey"]
        message = self.assert_message(
            self.ds("POST", "/api/apikeys", secret, body={"keyName": "x", "roleID": 2}), 403)
        self.assertEqual(message, "API キーを作成する権限がありません。")
        message = self.assert_message(self.ds("GET", "/api/apikeys/424242", secret), 404)
        self.assertEqual(message, "API キーが存在しません。")
        message = self.assert_message(
            self.ds("GET", "/api/apikeys", secret, headers={"api-version": None}), 400)
        self.assertRegex(message, JAPANESE_RE)

    def test_credentials_in_the_query_string_are_refused(self):
        resp = self.ds("GET", "/api/apikeys?api-secret-key=" + self.master, self.master)
        message = self.assert_message(resp, 400)
        self.assertNotIn(self.master, message)

    def test_secrets_never_reach_the_log(self):
        key = self.create("quiet")
        self.ds("POST", "/api/apikeys/%d/secretkey" % key["ID"], self.master)
        self.assertNotIn(key["secretKey"], self.server.stdout() + self.server.stderr())


class Search(DsTestCase):

    def setUp(self):
        super().setUp()
        self.expiry = (ms_now() // 1000 + 7 * 86400) * 1000
        self.ids = {}
        for name, role, extra in (("alpha-1", "2", {}), ("alpha-2", "1", {}),
                                  ("beta_x", "2", {"expiryDate": self.expiry}),
                                  ("Gamma%", "1", {"description": "nightly jobs"})):
            self.ids[name] = self.create(name, role=role, **extra)["ID"]
        self.ids["admin"] = 1
        # Lock one out.
        resp = self.ds("POST", "/api/apikeys/%d" % self.ids["alpha-2"], self.master,
                       body={"active": False})
        self.assertEqual(resp.status, 200, resp)

    def search(self, body, expect=200):
        resp = self.ds("POST", "/api/apikeys/search", self.master, body=body)
        self.assertEqual(resp.status, expect, resp)
        if expect != 200:
            return resp
        for key in resp.json()["apiKeys"]:
            self.assert_api_key(key)
        return [k["ID"] for k in resp.json()["apiKeys"]]

    def names(self, ids):
        by_id = {v: k for k, v in self.ids.items()}
        return sorted(by_id[i] for i in ids)

    def one(self, **criterion):
        return self.names(self.search({"searchCriteria": [criterion]}))

    def test_string_tests_with_wildcards_and_case(self):
        self.assertEqual(self.one(fieldName="keyName", stringTest="equal", stringValue="alpha%"),
                         ["alpha-1", "alpha-2"])
        self.assertEqual(self.one(fieldName="keyName", stringTest="equal", stringValue="ALPHA-1"),
                         ["alpha-1"])
        self.assertEqual(self.one(fieldName="keyName", stringTest="equal",
                                  stringValue="alpha-_"), ["alpha-1", "alpha-2"])
        self.assertEqual(self.one(fieldName="keyName", stringTest="not-equal",
                                  stringValue="%a%"), [])
        self.assertEqual(self.one(fieldName="keyName", stringTest="equal", stringValue="gamma%",
                                  stringWildcards=False), ["Gamma%"])
        self.assertEqual(self.one(fieldName="keyName", stringTest="equal", stringValue="beta_x",
                                  stringWildcards=False), ["beta_x"])
        self.assertEqual(self.one(fieldName="description", stringTest="equal",
                                  stringValue="%night%"), ["Gamma%"])

    def test_numeric_boolean_date_null_and_id_tests(self):
        self.assertEqual(self.one(fieldName="roleID", numericTest="equal", numericValue="2"),
                         ["alpha-1", "beta_x"])
        self.assertEqual(self.one(fieldName="roleID", numericTest="greater-than",
                                  numericValue=2), ["admin"])
        self.assertEqual(self.one(fieldName="unsuccessfulSignInAttempts", numericTest="equal",
                                  numericValue=0), sorted(self.ids))
        self.assertEqual(self.one(fieldName="active", booleanTest=False), ["alpha-2"])
        self.assertEqual(self.one(fieldName="serviceAccount", booleanTest=True), [])
        self.assertEqual(self.one(fieldName="expiryDate", firstDateValue=self.expiry,
                                  lastDateValue=self.expiry), ["beta_x"])
        self.assertEqual(self.one(fieldName="expiryDate", firstDateValue=self.expiry,
                                  firstDateInclusive=False), [])
        self.assertEqual(self.one(fieldName="expiryDate", nullTest=False), ["beta_x"])
        self.assertEqual(self.one(fieldName="created", lastDateValue=ms_now() + 60000),
                         sorted(self.ids))
        self.assertEqual(self.one(fieldName="created", firstDateValue=ms_now() + 60000), [])
        self.assertEqual(self.one(fieldName="ID", idTest="equal", idValue=self.ids["beta_x"]),
                         ["beta_x"])
        self.assertEqual(self.one(fieldName="ID", idTest="less-than-or-equal", idValue=1),
                         ["admin"])

    def test_several_criteria_max_items_and_sort(self):
        self.assertEqual(self.names(self.search({"searchCriteria": [
            {"fieldName": "keyName", "stringTest": "equal", "stringValue": "%a%"},
            {"fieldName": "roleID", "numericTest": "equal", "numericValue": 1},
            {"fieldName": "active", "booleanTest": True}]})), ["Gamma%"])
        everything = self.search({"sortByObjectID": True})
        self.assertEqual(everything, sorted(everything))
        self.assertEqual(len(everything), 5)
        self.assertEqual(self.search({"sortByObjectID": True, "maxItems": 2}), everything[:2])
        self.assertEqual(self.search({"maxItems": "0"}), [])

    def test_search_errors_name_the_member(self):
        resp = self.search({"searchCriteria": [
            {"fieldName": "keyName", "stringTest": "equal", "stringValue": "x"},
            {"fieldName": "foo", "nullTest": True}]}, expect=400)
        self.assert_message(resp, 400, contains=["searchCriteria[1].fieldName", "foo"])
        resp = self.search({"searchCriteria": [{"fieldName": "keyName", "numericTest": "equal",
                                                "numericValue": 1}]}, expect=400)
        self.assert_message(resp, 400, contains=["searchCriteria[0].numericTest"])
        resp = self.search({"maxItems": -1}, expect=400)
        self.assert_message(resp, 400, contains=["maxItems"])
