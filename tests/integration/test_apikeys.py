"""The API key calls of docs/api.md "API keys" against the real server: create, read and list, update,
delete. Rotation, state changes and lockout, roles and permissions, locale and time zone, and
credentials and client addresses are in the test_apikey_* modules."""

import time
import unittest

from apikeys_common import ApiKeysTestCase, parse_time, utc_in


class Create(ApiKeysTestCase):

    def test_create_returns_201_key_object_and_secret(self):
        resp = self.server.post("/v1/apikeys", {"name": "Splunk forwarder", "role": "Auditor"},
                                token=self.admin)
        self.assertEqual(resp.status, 201, resp)
        self.assertTrue(resp.header("Content-Type").startswith("application/json"))
        key = resp.json()
        self.assert_key_object(key, with_secret=True)
        self.assertEqual(key["name"], "Splunk forwarder")
        self.assertEqual(key["description"], "")
        self.assertEqual(key["role"], {"id": "2", "name": "Auditor"})
        self.assertIs(key["enabled"], True)
        self.assertIs(key["lockedOut"], False)
        self.assertIsNone(key["unlockAt"])
        self.assertEqual(key["failedAttempts"], 0)
        self.assertEqual(key["status"], "enabled")
        self.assertIsNone(key["expiresAt"])
        self.assertEqual(key["locale"], "en-US")
        self.assertEqual(key["timeZone"], "UTC")
        self.assertEqual(key["allowedIps"], [])
        self.assertEqual(key["source"], "api")
        self.assertIsNone(key["accountId"])
        self.assertTrue(key["createdAt"].endswith("Z"), key["createdAt"])
        self.assertIsNone(key["lastUsedAt"])
        self.assertIsNone(key["secretRotatedAt"])
        # The secret works, as the key it belongs to.
        current = self.server.get("/v1/apikeys/current", token=key["secret"])
        self.assertEqual(current.status, 200, current)
        self.assertEqual(current.json()["id"], key["id"])

    def test_create_with_every_optional_field(self):
        expires = utc_in(30 * 86400)
        key = self.create_key(self.server, self.admin, "full", role="2",
                              description="all the fields", locale="ja-JP",
                              timeZone="America/New_York", expiresAt=expires,
                              allowedIps=["8.8.8.0/24", "1.1.1.1"], enabled=False)
        self.assert_key_object(key, with_secret=True)
        self.assertEqual(key["description"], "all the fields")
        self.assertEqual(key["role"]["name"], "Auditor")
        self.assertEqual(key["locale"], "ja-JP")
        self.assertEqual(key["timeZone"], "America/New_York")
        self.assertEqual(parse_time(key["expiresAt"]), parse_time(expires))
        self.assertEqual(key["allowedIps"], ["8.8.8.0/24", "1.1.1.1"])
        self.assertIs(key["enabled"], False)
        self.assertEqual(key["status"], "disabled")

    def test_create_role_by_name_by_string_id_and_by_integer_id(self):
        for name, role in (("by-name", "Full Access"), ("by-string-id", "1"), ("by-int-id", 1)):
            with self.subTest(role=role):
                key = self.create_key(self.server, self.admin, name, role=role)
                self.assertEqual(key["role"], {"id": "1", "name": "Full Access"})

    def test_empty_body_counts_as_empty_object(self):
        # docs/api.md: an empty POST body counts as {} -- for create that means "name is missing".
        resp = self.server.request("POST", "/v1/apikeys", token=self.admin, raw=b"")
        self.assert_error(resp, 400, "invalid_argument", field="name")

    def test_unknown_role_is_rejected_naming_role(self):
        resp = self.server.post("/v1/apikeys", {"name": "x", "role": "Nobody"}, token=self.admin)
        self.assertEqual(resp.status, 400, resp)
        self.assertEqual(resp.json()["error"].get("field"), "role")

    def test_each_secret_is_different(self):
        a = self.create_key(self.server, self.admin, "a")
        b = self.create_key(self.server, self.admin, "b")
        self.assertNotEqual(a["secret"], b["secret"])
        self.assertNotEqual(a["prefix"], b["prefix"])
        self.assertNotEqual(a["id"], b["id"])


class Reads(ApiKeysTestCase):

    def test_get_and_list_never_contain_the_secret(self):
        key = self.create_key(self.server, self.admin, "quiet", description="never shows secret")
        secret = key["secret"]
        secret_part = secret[16:]
        responses = [
            self.server.get("/v1/apikeys/" + key["id"], token=self.admin),
            self.server.get("/v1/apikeys", token=self.admin),
            self.server.get("/v1/apikeys?q=quiet", token=self.admin),
            self.server.get("/v1/apikeys/current", token=secret),
            self.server.patch("/v1/apikeys/" + key["id"], {"description": "x"}, token=self.admin),
            self.server.post("/v1/apikeys/%s/disable" % key["id"], token=self.admin),
            self.server.post("/v1/apikeys/%s/enable" % key["id"], token=self.admin),
        ]
        for resp in responses:
            self.assertIn(resp.status, (200,), resp)
            self.assertNotIn(secret, resp.text)
            self.assertNotIn(secret_part, resp.text)
            self.assertNotIn('"secret"', resp.text)
        fetched = responses[0].json()
        self.assert_key_object(fetched)
        self.assertEqual(fetched["prefix"], secret[:15])

    def test_get_unknown_id_is_404(self):
        resp = self.server.get("/v1/apikeys/999999", token=self.admin)
        self.assert_error(resp, 404, "not_found")

    def test_list_shape_and_default_page(self):
        self.create_key(self.server, self.admin, "one")
        resp = self.server.get("/v1/apikeys", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        body = resp.json()
        self.assertEqual(set(body.keys()), {"items", "nextCursor"}, body)
        self.assertEqual(len(body["items"]), 2)
        self.assertIsNone(body["nextCursor"])
        for item in body["items"]:
            self.assert_key_object(item)

    def test_list_paging_with_limit_and_next_cursor_newest_first(self):
        created = [self.create_key(self.server, self.admin, "page-%d" % i)["id"]
                   for i in range(5)]
        seen = []
        pages = 0
        path = "/v1/apikeys?limit=2"
        while True:
            resp = self.server.get(path, token=self.admin)
            self.assertEqual(resp.status, 200, resp)
            body = resp.json()
            pages += 1
            self.assertLessEqual(len(body["items"]), 2)
            seen.extend(item["id"] for item in body["items"])
            if body["nextCursor"] is None:
                break
            self.assertIsInstance(body["nextCursor"], str)
            self.assertEqual(len(body["items"]), 2, "a page before the last must be full")
            self.assertLess(pages, 10, "paging does not end")
            path = "/v1/apikeys?limit=2&cursor=" + body["nextCursor"]
        self.assertEqual(pages, 3)  # 6 keys: the admin key and five created
        self.assertEqual(len(seen), len(set(seen)), "a key appeared twice: %s" % seen)
        self.assertEqual(len(seen), 6)
        # Newest first: the created keys in reverse order, the admin key (oldest) last.
        self.assertEqual(seen[:5], list(reversed(created)))

    def test_list_default_limit_is_50(self):
        for i in range(50):
            self.create_key(self.server, self.admin, "many-%02d" % i)
        resp = self.server.get("/v1/apikeys", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        first = resp.json()
        self.assertEqual(len(first["items"]), 50)  # 51 keys: the admin key and fifty created
        self.assertIsNotNone(first["nextCursor"])
        rest = self.server.get("/v1/apikeys?cursor=" + first["nextCursor"], token=self.admin)
        self.assertEqual(rest.status, 200, rest)
        self.assertEqual(len(rest.json()["items"]), 1)
        self.assertIsNone(rest.json()["nextCursor"])
        self.assertEqual(rest.json()["items"][0]["name"], "admin")  # the oldest comes last

    def test_list_limit_bounds(self):
        for limit in ("1", "500"):
            with self.subTest(limit=limit):
                resp = self.server.get("/v1/apikeys?limit=" + limit, token=self.admin)
                self.assertEqual(resp.status, 200, resp)
        self.create_key(self.server, self.admin, "second")
        resp = self.server.get("/v1/apikeys?limit=1", token=self.admin)
        self.assertEqual(len(resp.json()["items"]), 1)
        self.assertIsNotNone(resp.json()["nextCursor"])

    def test_list_filters(self):
        disabled = self.create_key(self.server, self.admin, "filter-disabled", enabled=False,
                                   description="the one that is off")
        auditor = self.create_key(self.server, self.admin, "filter-auditor", role="Auditor")
        full = self.create_key(self.server, self.admin, "filter-full", role="Full Access",
                               description="needle in description")

        def ids(query):
            resp = self.server.get("/v1/apikeys?" + query, token=self.admin)
            self.assertEqual(resp.status, 200, resp)
            return {item["id"] for item in resp.json()["items"]}

        admin_id = self.get_key_id(self.admin)
        self.assertEqual(ids("status=disabled"), {disabled["id"]})
        self.assertEqual(ids("status=enabled"), {admin_id, auditor["id"], full["id"]})
        self.assertEqual(ids("status=locked_out"), set())
        self.assertEqual(ids("role=Auditor"), {disabled["id"], auditor["id"]})
        self.assertEqual(ids("role=2"), {disabled["id"], auditor["id"]})
        self.assertEqual(ids("role=Full%20Access"), {full["id"]})
        self.assertEqual(ids("role=3"), {admin_id})
        self.assertLessEqual({disabled["id"], auditor["id"], full["id"]}, ids("source=api"))
        self.assertEqual(ids("source=console"), set())
        self.assertEqual(ids("source=import"), set())
        self.assertEqual(ids("q=filter-"), {disabled["id"], auditor["id"], full["id"]})
        self.assertEqual(ids("q=needle"), {full["id"]})  # description substring
        self.assertEqual(ids("q=auditor"), {auditor["id"]})  # name substring
        self.assertEqual(ids("q=no-such-text"), set())
        self.assertEqual(ids("status=enabled&role=Auditor"), {auditor["id"]})

    def test_created_keys_have_source_api(self):
        key = self.create_key(self.server, self.admin, "sourced")
        resp = self.server.get("/v1/apikeys?source=api", token=self.admin)
        self.assertIn(key["id"], {item["id"] for item in resp.json()["items"]})

    def test_bad_filter_values_are_400(self):
        for query, field in (("status=sleeping", "status"), ("source=mail", "source")):
            with self.subTest(query=query):
                resp = self.server.get("/v1/apikeys?" + query, token=self.admin)
                self.assert_error(resp, 400, "invalid_argument", field=field)

    def get_key_id(self, token):
        return self.server.get("/v1/apikeys/current", token=token).json()["id"]

    def test_current_is_the_calling_key(self):
        key = self.create_key(self.server, self.admin, "me", role="Auditor")
        resp = self.server.get("/v1/apikeys/current", token=key["secret"])
        self.assertEqual(resp.status, 200, resp)
        current = resp.json()
        self.assert_key_object(current)
        self.assertEqual(current["id"], key["id"])
        self.assertEqual(current["name"], "me")
        self.assertEqual(current["role"]["name"], "Auditor")

    def test_current_needs_a_valid_key(self):
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current"))

    def test_use_records_last_used_at(self):
        key = self.create_key(self.server, self.admin, "used")
        self.assertIsNone(key["lastUsedAt"])
        self.assertTrue(self.works(key["secret"]))
        # Last-used times are written behind (about once a second): wait for it, by behaviour.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.get_key(key["id"])["lastUsedAt"] is not None:
                break
            time.sleep(0.25)
        self.assertIsNotNone(self.get_key(key["id"])["lastUsedAt"])


class Update(ApiKeysTestCase):

    def test_patch_each_editable_field(self):
        key = self.create_key(self.server, self.admin, "editable")
        path = "/v1/apikeys/" + key["id"]
        changes = [
            ({"name": "edited name"}, lambda k: k["name"] == "edited name"),
            ({"description": "new description"},
             lambda k: k["description"] == "new description"),
            ({"role": "Full Access"}, lambda k: k["role"] == {"id": "1", "name": "Full Access"}),
            ({"role": "2"}, lambda k: k["role"] == {"id": "2", "name": "Auditor"}),
            ({"locale": "ja-JP"}, lambda k: k["locale"] == "ja-JP"),
            ({"locale": "en-US"}, lambda k: k["locale"] == "en-US"),
            ({"timeZone": "Europe/Paris"}, lambda k: k["timeZone"] == "Europe/Paris"),
            ({"allowedIps": ["9.9.9.9", "1.0.0.0/24"]},
             lambda k: k["allowedIps"] == ["9.9.9.9", "1.0.0.0/24"]),
            ({"allowedIps": []}, lambda k: k["allowedIps"] == []),
        ]
        for body, check in changes:
            with self.subTest(body=body):
                resp = self.server.patch(path, body, token=self.admin)
                self.assertEqual(resp.status, 200, resp)
                self.assert_key_object(resp.json())
                self.assertTrue(check(resp.json()), resp.json())
                self.assertTrue(check(self.get_key(key["id"])), "change not stored")
        # Untouched fields kept their values and the secret still works.
        final = self.get_key(key["id"])
        self.assertEqual(final["name"], "edited name")
        self.assertEqual(final["description"], "new description")
        self.assertTrue(self.works(key["secret"]))

    def test_patch_several_fields_at_once(self):
        key = self.create_key(self.server, self.admin, "multi")
        resp = self.server.patch("/v1/apikeys/" + key["id"],
                                 {"name": "multi2", "description": "d", "timeZone": "Asia/Tokyo"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        updated = resp.json()
        self.assertEqual((updated["name"], updated["description"], updated["timeZone"]),
                         ("multi2", "d", "Asia/Tokyo"))

    def test_patch_expires_at_is_immutable_field(self):
        key = self.create_key(self.server, self.admin, "fixed expiry")
        resp = self.server.patch("/v1/apikeys/" + key["id"], {"expiresAt": utc_in(86400)},
                                 token=self.admin)
        self.assert_error(resp, 400, "immutable_field", field="expiresAt")
        self.assertIsNone(self.get_key(key["id"])["expiresAt"])

    def test_patch_unknown_id_is_404(self):
        resp = self.server.patch("/v1/apikeys/999999", {"name": "x"}, token=self.admin)
        self.assert_error(resp, 404, "not_found")

    def test_allowlist_takes_effect(self):
        key = self.create_key(self.server, self.admin, "fenced")
        self.assertTrue(self.works(key["secret"]))
        resp = self.server.patch("/v1/apikeys/" + key["id"], {"allowedIps": ["8.8.8.8"]},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        # We call from 127.0.0.1, outside the allowlist: a valid key there gets 403.
        self.assert_error(self.server.get("/v1/apikeys/current", token=key["secret"]), 403,
                          "permission_denied")
        self.server.patch("/v1/apikeys/" + key["id"], {"allowedIps": []}, token=self.admin)
        self.assertTrue(self.works(key["secret"]))


class Delete(ApiKeysTestCase):

    def test_delete_then_404(self):
        key = self.create_key(self.server, self.admin, "doomed")
        resp = self.server.delete("/v1/apikeys/" + key["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        self.assert_error(self.server.get("/v1/apikeys/" + key["id"], token=self.admin), 404,
                          "not_found")
        self.assert_error(self.server.delete("/v1/apikeys/" + key["id"], token=self.admin), 404,
                          "not_found")
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))

    def test_bulk_delete_result_shape_and_404s(self):
        a = self.create_key(self.server, self.admin, "bulk-a")
        b = self.create_key(self.server, self.admin, "bulk-b")
        keep = self.create_key(self.server, self.admin, "bulk-keep")
        ids = [a["id"], b["id"], "abc", 12, "999999"]
        resp = self.server.post("/v1/apikeys/delete", {"ids": ids}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        body = resp.json()
        self.assertEqual(set(body.keys()), {"results"}, body)
        results = body["results"]
        self.assertEqual(len(results), len(ids), body)
        for result in results:
            self.assertEqual(set(result.keys()), {"id", "status"}, result)
        by_id = {str(r["id"]): r["status"] for r in results}
        self.assertEqual(by_id, {a["id"]: 204, b["id"]: 204, "abc": 404, "12": 404,
                                 "999999": 404})
        self.assert_error(self.server.get("/v1/apikeys/" + a["id"], token=self.admin), 404,
                          "not_found")
        self.assert_error(self.server.get("/v1/apikeys/" + b["id"], token=self.admin), 404,
                          "not_found")
        self.assertEqual(self.get_key(keep["id"])["name"], "bulk-keep")

    def test_bulk_delete_forbidden_target_deletes_nothing(self):
        full = self.create_key(self.server, self.admin, "bulk-full", role="Full Access")
        victim = self.create_key(self.server, self.admin, "bulk-victim", role="Auditor")
        admin_id = self.server.get("/v1/apikeys/current", token=self.admin).json()["id"]
        resp = self.server.post("/v1/apikeys/delete", {"ids": [victim["id"], admin_id]},
                                token=full["secret"])
        self.assert_error(resp, 403, "permission_denied")
        self.assertEqual(self.get_key(victim["id"])["name"], "bulk-victim")
        self.assertTrue(self.works(self.admin))


if __name__ == "__main__":
    unittest.main()
