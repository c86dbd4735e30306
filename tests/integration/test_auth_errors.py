"""The refusals of docs/api.md "Conventions" that the native key API gives a credential: 401
(unauthenticated: missing, malformed, unknown, wrong, disabled, expired, locked or deleted key; every
failure reads the same) and 403 (permission denied)."""

import datetime
import time
import unittest

from apikeys_common import ErrorsTestCase, utc_in
from harness import make_token, wrong_secret_token


class Unauthenticated(ErrorsTestCase):

    def test_missing_credential(self):
        for path in ("/v1/apikeys", "/v1/apikeys/current", "/v1/roles", "/v1/apikeys/1"):
            with self.subTest(path=path):
                self.assert_unauthenticated(self.server.get(path))
        self.assert_unauthenticated(self.server.post("/v1/apikeys", {"name": "x",
                                                                     "role": "Auditor"}))

    def test_malformed_tokens(self):
        bad_checksum = self.admin[:-1] + ("A" if self.admin[-1] != "A" else "B")
        for token in ("abc", "kw_", self.admin[:-1], self.admin + "x", bad_checksum,
                      self.admin.upper()):
            with self.subTest(token=token):
                self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=token))
        self.assert_unauthenticated(self.server.get(
            "/v1/apikeys/current", headers={"Authorization": "Basic " + self.admin}))
        self.assert_unauthenticated(self.server.get(
            "/v1/apikeys/current", headers={"Authorization": "Bearer"}))

    def test_unknown_public_id(self):
        token = make_token("A" * 12, "b" * 43)
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=token))

    def test_wrong_secret(self):
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current",
                                                    token=wrong_secret_token(self.admin)))
        # A wrong secret does not disturb the right one.
        self.assertEqual(self.server.get("/v1/apikeys/current", token=self.admin).status, 200)

    def test_disabled_key(self):
        key = self.create({"name": "off", "role": "Auditor", "enabled": False}).json()
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))
        self.assert_unauthenticated(self.server.get("/v1/apikeys", token=key["secret"]))

    def test_expired_key(self):
        key = self.create({"name": "short-lived", "role": "Auditor",
                           "expiresAt": utc_in(5)}).json()
        expires = datetime.datetime.fromisoformat(key["expiresAt"].replace("Z", "+00:00"))
        self.assertEqual(self.server.get("/v1/apikeys/current", token=key["secret"]).status, 200)
        # Wait until the expiry has certainly passed (behaviour after expiry, not speed).
        while datetime.datetime.now(datetime.timezone.utc) < expires + datetime.timedelta(
                seconds=1.5):
            time.sleep(0.25)
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))
        resp = self.server.get("/v1/apikeys/" + key["id"], token=self.admin)
        self.assertEqual(resp.json()["status"], "expired")

    def test_locked_key(self):
        key = self.create({"name": "locked", "role": "Auditor"}).json()
        self.server.post("/v1/apikeys/%s/lock" % key["id"], token=self.admin)
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))

    def test_deleted_key(self):
        key = self.create({"name": "gone", "role": "Auditor"}).json()
        self.server.delete("/v1/apikeys/" + key["id"], token=self.admin)
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))

    def test_every_failure_reads_the_same(self):
        disabled = self.create({"name": "d", "role": "Auditor", "enabled": False}).json()
        bodies = set()
        for token in (None, "garbage", wrong_secret_token(self.admin), disabled["secret"]):
            resp = self.server.get("/v1/apikeys/current", token=token)
            self.assertEqual(resp.status, 401)
            bodies.add(resp.text)
        self.assertEqual(len(bodies), 1, bodies)


class PermissionDenied(ErrorsTestCase):

    def test_auditor_cannot_create_edit_or_delete(self):
        auditor = self.create({"name": "auditor", "role": "Auditor"}).json()
        target = self.create({"name": "target", "role": "Auditor"}).json()
        secret = auditor["secret"]
        calls = [
            ("POST", "/v1/apikeys", {"name": "new", "role": "Auditor"}),
            ("PATCH", "/v1/apikeys/" + target["id"], {"description": "x"}),
            ("POST", "/v1/apikeys/%s/disable" % target["id"], None),
            ("POST", "/v1/apikeys/%s/rotate" % target["id"], None),
            ("DELETE", "/v1/apikeys/" + target["id"], None),
            ("POST", "/v1/apikeys/delete", {"ids": [target["id"]]}),
        ]
        for method, path, body in calls:
            with self.subTest(method=method, path=path):
                resp = self.server.request(method, path, body=body, token=secret)
                self.assert_error(resp, 403, "permission_denied")
        # The auditor may read.
        self.assertEqual(self.server.get("/v1/apikeys", token=secret).status, 200)
        kept = self.server.get("/v1/apikeys/" + target["id"], token=self.admin).json()
        self.assertEqual((kept["description"], kept["status"]), ("", "enabled"))

    def test_full_access_cannot_act_on_master_administrator(self):
        full = self.create({"name": "full", "role": "Full Access"}).json()["secret"]
        admin_id = self.server.get("/v1/apikeys/current", token=self.admin).json()["id"]
        calls = [
            ("PATCH", "/v1/apikeys/" + admin_id, {"description": "mine now"}),
            ("POST", "/v1/apikeys/%s/disable" % admin_id, None),
            ("POST", "/v1/apikeys/%s/lock" % admin_id, None),
            ("POST", "/v1/apikeys/%s/rotate" % admin_id, None),
            ("DELETE", "/v1/apikeys/" + admin_id, None),
        ]
        for method, path, body in calls:
            with self.subTest(method=method, path=path):
                resp = self.server.request(method, path, body=body, token=full)
                self.assert_error(resp, 403, "permission_denied")
        self.assertEqual(self.server.get("/v1/apikeys/current", token=self.admin).status, 200)
        # Reading is not acting.
        self.assertEqual(self.server.get("/v1/apikeys/" + admin_id, token=full).status, 200)

    def test_no_escalation_through_create_or_patch(self):
        full = self.create({"name": "full", "role": "Full Access"}).json()["secret"]
        resp = self.create({"name": "escalated", "role": "Master Administrator"}, token=full)
        self.assert_error(resp, 403, "permission_denied")
        mine = self.create({"name": "mine", "role": "Auditor"}, token=full).json()
        resp = self.server.patch("/v1/apikeys/" + mine["id"], {"role": "Master Administrator"},
                                 token=full)
        self.assert_error(resp, 403, "permission_denied")
        after = self.server.get("/v1/apikeys/" + mine["id"], token=self.admin).json()
        self.assertEqual(after["role"]["name"], "Auditor")

    def test_key_used_outside_its_allowlist(self):
        fenced = self.create({"name": "fenced", "role": "Auditor",
                              "allowedIps": ["8.8.8.8"]}).json()
        resp = self.server.get("/v1/apikeys/current", token=fenced["secret"])
        self.assert_error(resp, 403, "permission_denied")
        resp = self.server.get("/v1/apikeys", token=fenced["secret"])
        self.assert_error(resp, 403, "permission_denied")

    def test_roles_readable_by_auditor_not_anonymous(self):
        # Every built-in role holds roles:view; without a key there is no reading.
        auditor = self.create({"name": "a", "role": "Auditor"}).json()["secret"]
        self.assertEqual(self.server.get("/v1/roles", token=auditor).status, 200)
        self.assert_unauthenticated(self.server.get("/v1/roles/1"))


if __name__ == "__main__":
    unittest.main()
