"""One object, three surfaces: a key, role or account made through the Deep Security dialect
(/api), the Vision One dialect (/v3.0) or the native API (/v1) is the same object in the other
two -- same integer id, same name and role -- its secret authenticates on all three, and every
change made through a dialect is in the audit trail like any other (docs/deep-security.md,
docs/vision-one.md)."""

import json
import unittest

from harness import KeywardTestCase


def ds_headers(secret):
    """What the Deep Security SDKs send on every call."""
    return {"api-version": "v1", "api-secret-key": secret,
            "Content-Type": "application/json", "Accept": "application/json"}


def vo_headers(token):
    """What Vision One's Python SDK sends on every call."""
    return {"Authorization": "Bearer " + token,
            "Content-Type": "application/json;charset=utf-8", "User-Agent": "pytmv1"}


class Surfaces(KeywardTestCase):
    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.master = self.server.bootstrap_key()
        resp = self.server.get("/v1/apikeys/current", token=self.master)
        self.assertEqual(resp.status, 200, resp)
        self.master_actor = "apikey:" + resp.json()["id"]

    # --- the three surfaces ---

    def ds(self, method, path, body=None, secret=None):
        raw = "{}" if body is None and method in ("GET", "DELETE") else (
            "" if body is None else json.dumps(body))
        return self.server.request(method, path, raw=raw,
                                   headers=ds_headers(secret or self.master))

    def vo(self, method, path, body=None, token=None, headers=None):
        all_headers = vo_headers(token or self.master)
        all_headers.update(headers or {})
        raw = None if body is None else json.dumps(body)
        return self.server.request(method, path, raw=raw, headers=all_headers)

    def native_key(self, key_id):
        resp = self.server.get("/v1/apikeys/%s" % key_id, token=self.master)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    def vo_create(self, name, role="Auditor"):
        resp = self.vo("POST", "/v3.0/iam/apiKeys",
                       [{"name": name, "role": role, "monthsToExpiration": 0}])
        self.assertEqual(resp.status, 207, resp)
        item = resp.json()[0]
        self.assertEqual(item["status"], 201, item)
        return item["body"]

    def assert_audited(self, action, key_id):
        events = self.audit_events(self.server, self.master, action=action,
                                   target="apikey:%s" % key_id)
        self.assertTrue(events, "no %s event for key %s" % (action, key_id))
        self.assertEqual(events[0]["actor"], self.master_actor, events[0])
        self.assertEqual(events[0]["outcome"], "success", events[0])

    # --- tests ---

    def test_a_key_made_in_deep_security_is_the_same_key_in_vision_one_and_the_native_api(self):
        resp = self.ds("POST", "/api/apikeys",
                       {"keyName": "made in DS", "description": "for Splunk", "roleID": "2"})
        self.assertEqual(resp.status, 200, resp)
        made = resp.json()
        key_id, secret = made["ID"], made["secretKey"]
        self.assertIsInstance(key_id, int)

        native = self.native_key(key_id)
        self.assertEqual(native["id"], str(key_id))
        self.assertEqual(native["name"], "made in DS")
        self.assertEqual(native["description"], "for Splunk")
        self.assertEqual(native["role"], {"id": "2", "name": "Auditor"})

        resp = self.vo("GET", "/v3.0/iam/apiKeys/%d" % key_id)
        self.assertEqual(resp.status, 200, resp)
        seen = resp.json()
        self.assertEqual(seen["id"], str(key_id))
        self.assertEqual(seen["name"], "made in DS")
        self.assertEqual(seen["role"], "Auditor")
        self.assertEqual(seen["status"], "enabled")
        self.assertEqual(seen["expiredDateTime"], "")
        etag = resp.header("ETag")
        self.assertTrue(etag, resp)

        # Its secret works on all three surfaces (an Auditor may read keys).
        self.assertEqual(self.server.get("/v1/apikeys/current", token=secret).json()["id"],
                         str(key_id))
        resp = self.vo("GET", "/v3.0/iam/apiKeys/%d" % key_id, token=secret)
        self.assertEqual(resp.status, 200, resp)
        resp = self.ds("GET", "/api/apikeys/current", secret=secret)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["ID"], key_id)

        # A change through DS shows in Vision One (and its ETag moves) and is audited.
        resp = self.ds("POST", "/api/apikeys/%d" % key_id, {"keyName": "renamed in DS"})
        self.assertEqual(resp.status, 200, resp)
        self.assert_audited("apikey.update", key_id)
        resp = self.vo("GET", "/v3.0/iam/apiKeys/%d" % key_id)
        self.assertEqual(resp.json()["name"], "renamed in DS")
        self.assertNotEqual(resp.header("ETag"), etag)
        self.assert_audited("apikey.create", key_id)

    def test_a_key_made_in_vision_one_is_the_same_key_in_deep_security_and_the_native_api(self):
        made = self.vo_create("made in V1")
        key_id, token = made["id"], made["value"]
        self.assertIsInstance(key_id, str)

        resp = self.ds("GET", "/api/apikeys/%s" % key_id)
        self.assertEqual(resp.status, 200, resp)
        described = resp.json()
        self.assertEqual(described["ID"], int(key_id))
        self.assertEqual(described["keyName"], "made in V1")
        self.assertEqual(described["roleID"], 2)
        self.assertIs(described["active"], True)
        self.assertNotIn("secretKey", described)
        self.assertEqual(self.native_key(key_id)["name"], "made in V1")

        # Its secret is a Deep Security secret key too.
        resp = self.ds("GET", "/api/apikeys/current", secret=token)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["ID"], int(key_id))

        # Locked out through DS: refused everywhere, shown as such natively.
        resp = self.ds("POST", "/api/apikeys/%s" % key_id, {"active": False})
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["active"], False)
        self.assertEqual(self.native_key(key_id)["status"], "locked_out")
        self.assertEqual(self.server.get("/v1/apikeys/current", token=token).status, 401)
        self.assertEqual(self.vo("GET", "/v3.0/iam/apiKeys", token=token).status, 401)
        self.assertEqual(self.ds("GET", "/api/apikeys/current", secret=token).status, 401)
        self.assert_audited("apikey.lock", key_id)

        # Disabled through Vision One: the native API and DS agree.
        resp = self.vo("GET", "/v3.0/iam/apiKeys/%s" % key_id)
        resp = self.vo("PATCH", "/v3.0/iam/apiKeys/%s" % key_id, {"status": "disabled"},
                       headers={"If-Match": resp.header("ETag")})
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(self.native_key(key_id)["status"], "disabled")
        self.assertIs(self.ds("GET", "/api/apikeys/%s" % key_id).json()["active"], False)
        self.assert_audited("apikey.disable", key_id)

    def test_deletes_through_either_dialect_are_seen_everywhere_and_audited(self):
        by_ds = self.vo_create("deleted through DS")["id"]
        by_vo = self.ds("POST", "/api/apikeys", {"keyName": "deleted through V1",
                                                 "roleID": 2}).json()["ID"]
        resp = self.ds("DELETE", "/api/apikeys/%s" % by_ds)
        self.assertEqual(resp.status, 204, resp)
        resp = self.vo("POST", "/v3.0/iam/apiKeys/delete", [{"id": str(by_vo)}])
        self.assertEqual(resp.status, 207, resp)
        self.assertEqual(resp.json()[0]["status"], 204, resp)
        for key_id in (by_ds, by_vo):
            self.assertEqual(self.server.get("/v1/apikeys/%s" % key_id,
                                             token=self.master).status, 404)
            self.assertEqual(self.ds("GET", "/api/apikeys/%s" % key_id).status, 404)
            self.assertEqual(self.vo("GET", "/v3.0/iam/apiKeys/%s" % key_id).status, 404)
            self.assert_audited("apikey.delete", key_id)

    def test_roles_and_administrators_are_shared_with_the_native_api(self):
        resp = self.ds("POST", "/api/roles", {
            "name": "Key viewers",
            "rights": {"platformRights": {"apikeyRights": {"canViewApiKeys": True}}}})
        self.assertEqual(resp.status, 200, resp)
        role = resp.json()
        resp = self.server.get("/v1/roles/%d" % role["ID"], token=self.master)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["name"], "Key viewers")
        self.assertIn("apikeys:view", resp.json()["permissions"])

        # Vision One names the role; the key it makes carries the same role id everywhere.
        made = self.vo_create("a key viewer", role="Key viewers")
        self.assertEqual(self.ds("GET", "/api/apikeys/%s" % made["id"]).json()["roleID"],
                         role["ID"])
        self.assertEqual(self.native_key(made["id"])["role"]["id"], str(role["ID"]))

        resp = self.ds("POST", "/api/administrators", {
            "username": "auditor@example.com", "roleID": "2", "fullName": "An Auditor"})
        self.assertEqual(resp.status, 200, resp)
        admin = resp.json()
        account = self.get_account(self.server, self.master, str(admin["ID"]))
        self.assertEqual(account["email"], "auditor@example.com")
        self.assertEqual(account["role"]["id"], "2")
        events = self.audit_events(self.server, self.master, action="account.create",
                                   target="account:%d" % admin["ID"])
        self.assertEqual(len(events), 1, events)


if __name__ == "__main__":
    unittest.main()
