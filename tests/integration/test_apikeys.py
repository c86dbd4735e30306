"""Every API key call of API.md "API keys", plus /v1/permissions and the role reads, against the
real server."""

import calendar
import datetime
import re
import time
import unittest

from harness import (JAPANESE_RE, TOKEN_RE, KeywardTestCase, wrong_secret_token)

KEY_FIELDS = {
    "id": str, "name": str, "description": str, "prefix": str, "role": dict, "enabled": bool,
    "lockedOut": bool, "unlockAt": (str, type(None)), "failedAttempts": int, "status": str,
    "expiresAt": (str, type(None)), "locale": str, "timeZone": str, "allowedIps": list,
    "source": str, "accountId": (str, type(None)), "createdAt": str,
    "lastUsedAt": (str, type(None)), "secretRotatedAt": (str, type(None)),
    "previousSecret": (dict, type(None)),
}
RFC3339_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def utc_in(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class ApiKeysTestCase(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.admin = self.server.bootstrap_key()

    def assert_key_object(self, key, with_secret=False):
        for field, kind in KEY_FIELDS.items():
            self.assertIn(field, key, key)
            self.assertIsInstance(key[field], kind, "%s: %r" % (field, key[field]))
        self.assertRegex(key["id"], r"^[0-9]+$")
        self.assertEqual(set(key["role"].keys()), {"id", "name"}, key)
        self.assertRegex(key["role"]["id"], r"^[0-9]+$")
        self.assertIn(key["status"], {"disabled", "expired", "locked_out", "enabled"})
        self.assertIn(key["source"], {"api", "console", "account", "import"})
        self.assertRegex(key["createdAt"], RFC3339_SECONDS)
        for field in ("expiresAt", "unlockAt", "lastUsedAt", "secretRotatedAt"):
            if key[field] is not None:
                self.assertRegex(key[field], RFC3339_SECONDS, field)
        self.assertRegex(key["prefix"], r"^kw_[0-9A-Za-z]{12}$")
        if key["previousSecret"] is not None:
            self.assertEqual(set(key["previousSecret"]), {"endsAt", "lastUsedAt"}, key)
            self.assertRegex(key["previousSecret"]["endsAt"], RFC3339_SECONDS)
        if with_secret:
            self.assertRegex(key["secret"], TOKEN_RE)
            self.assertEqual(key["prefix"], key["secret"][:15])
        else:
            self.assertNotIn("secret", key)

    def get_key(self, key_id, token=None):
        resp = self.server.get("/v1/apikeys/" + key_id, token=token or self.admin)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    def works(self, token):
        return self.server.get("/v1/apikeys/current", token=token).status == 200


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
        # API.md: an empty POST body counts as {} -- for create that means "name is missing".
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


class StateChanges(ApiKeysTestCase):

    def test_disable_and_enable(self):
        key = self.create_key(self.server, self.admin, "switch")
        resp = self.server.post("/v1/apikeys/%s/disable" % key["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assert_key_object(resp.json())
        self.assertIs(resp.json()["enabled"], False)
        self.assertEqual(resp.json()["status"], "disabled")
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))

        resp = self.server.post("/v1/apikeys/%s/enable" % key["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["enabled"], True)
        self.assertEqual(resp.json()["status"], "enabled")
        self.assertTrue(self.works(key["secret"]))

    def test_lock_and_unlock(self):
        key = self.create_key(self.server, self.admin, "lockable")
        resp = self.server.post("/v1/apikeys/%s/lock" % key["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        locked = resp.json()
        self.assert_key_object(locked)
        self.assertIs(locked["lockedOut"], True)
        self.assertIsNone(locked["unlockAt"])  # a manual lock has no end
        self.assertEqual(locked["status"], "locked_out")
        self.assertIs(locked["enabled"], True)
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))
        self.assertEqual(self.get_key(key["id"])["status"], "locked_out")

        resp = self.server.post("/v1/apikeys/%s/unlock" % key["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["lockedOut"], False)
        self.assertEqual(resp.json()["status"], "enabled")
        self.assertTrue(self.works(key["secret"]))

    def test_status_disabled_comes_before_locked_out(self):
        key = self.create_key(self.server, self.admin, "both")
        self.server.post("/v1/apikeys/%s/lock" % key["id"], token=self.admin)
        resp = self.server.post("/v1/apikeys/%s/disable" % key["id"], token=self.admin)
        self.assertEqual(resp.json()["status"], "disabled")
        self.assertIs(resp.json()["lockedOut"], True)

    def test_failed_attempts_counted_and_cleared_by_unlock(self):
        key = self.create_key(self.server, self.admin, "attempts")
        wrong = wrong_secret_token(key["secret"])
        for _ in range(2):
            self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=wrong))
        self.assertEqual(self.get_key(key["id"])["failedAttempts"], 2)
        resp = self.server.post("/v1/apikeys/%s/unlock" % key["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["failedAttempts"], 0)
        self.assertEqual(self.get_key(key["id"])["failedAttempts"], 0)

    def test_state_change_body_with_unknown_field_is_400(self):
        key = self.create_key(self.server, self.admin, "strict")
        resp = self.server.post("/v1/apikeys/%s/disable" % key["id"], {"now": True},
                                token=self.admin)
        self.assertEqual(resp.status, 400, resp)
        self.assertEqual(self.get_key(key["id"])["status"], "enabled")

    def test_state_change_of_unknown_key_is_404(self):
        for action in ("enable", "disable", "lock", "unlock", "rotate"):
            with self.subTest(action=action):
                resp = self.server.post("/v1/apikeys/999999/" + action, token=self.admin)
                self.assert_error(resp, 404, "not_found")


class Rotate(ApiKeysTestCase):

    def test_rotate_issues_new_secret_and_kills_old(self):
        key = self.create_key(self.server, self.admin, "rotating")
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        rotated = resp.json()
        self.assert_key_object(rotated, with_secret=True)
        self.assertEqual(rotated["id"], key["id"])
        self.assertNotEqual(rotated["secret"], key["secret"])
        self.assertEqual(rotated["prefix"], key["prefix"], "the public id never changes")
        self.assertIsNotNone(rotated["secretRotatedAt"])
        self.assertTrue(self.works(rotated["secret"]))
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))
        self.assertNotIn(rotated["secret"], self.server.get("/v1/apikeys/" + key["id"],
                                                            token=self.admin).text)

    def test_rotate_with_grace_period_both_work(self):
        key = self.create_key(self.server, self.admin, "graceful")
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"],
                                {"gracePeriodSeconds": 3600}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        new_secret = resp.json()["secret"]
        self.assertTrue(self.works(new_secret))
        self.assertTrue(self.works(key["secret"]))

    def test_previous_secret_shows_when_the_grace_period_ends(self):
        key = self.create_key(self.server, self.admin, "previous")
        self.assertIsNone(key["previousSecret"])
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"],
                                {"gracePeriodSeconds": 3600}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        rotated = resp.json()
        self.assert_key_object(rotated, with_secret=True)
        previous = rotated["previousSecret"]
        self.assertIsNotNone(previous)
        ends = parse_time(previous["endsAt"])
        self.assertLessEqual(abs((ends - before).total_seconds() - 3600), 5, previous)
        self.assertIsNone(previous["lastUsedAt"])
        shown = self.get_key(key["id"])
        self.assertEqual(shown["previousSecret"], previous)
        # Without a grace period the old secret dies at once: nothing to show.
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"], token=self.admin)
        self.assertIsNone(resp.json()["previousSecret"])

    def wait_for_key(self, key_id, predicate, seconds=10.0):
        """GET the key until `predicate` holds (uses are written behind, about once a second)."""
        deadline = time.monotonic() + seconds
        while True:
            shown = self.get_key(key_id)
            if predicate(shown) or time.monotonic() > deadline:
                return shown
            time.sleep(0.2)

    def test_previous_secret_last_use_is_recorded_apart(self):
        key = self.create_key(self.server, self.admin, "rolling over")
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"],
                                {"gracePeriodSeconds": 3600}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        new_secret = resp.json()["secret"]
        # A use of the new secret is a use of the key, not of the old secret.
        self.assertTrue(self.works(new_secret))
        shown = self.wait_for_key(key["id"], lambda k: k["lastUsedAt"] is not None)
        self.assertIsNotNone(shown["lastUsedAt"], shown)
        self.assertIsNone(shown["previousSecret"]["lastUsedAt"], shown)
        # A use of the old secret shows on previousSecret (and as the key's last use).
        self.assertTrue(self.works(key["secret"]))
        shown = self.wait_for_key(key["id"],
                                  lambda k: k["previousSecret"]["lastUsedAt"] is not None)
        used = shown["previousSecret"]["lastUsedAt"]
        self.assertIsNotNone(used, shown)
        self.assertRegex(used, RFC3339_SECONDS)
        self.assertGreaterEqual(parse_time(shown["lastUsedAt"]), parse_time(used))
        # A new rotation puts another secret in the grace slot: its record starts anew.
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"],
                                {"gracePeriodSeconds": 60}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIsNone(resp.json()["previousSecret"]["lastUsedAt"])

    def test_second_rotation_ends_earlier_grace_period(self):
        key = self.create_key(self.server, self.admin, "twice")
        s0 = key["secret"]
        s1 = self.server.post("/v1/apikeys/%s/rotate" % key["id"], {"gracePeriodSeconds": 3600},
                              token=self.admin).json()["secret"]
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"], {"gracePeriodSeconds": 3600},
                                token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        s2 = resp.json()["secret"]
        # At most two secrets work: the newest and the one it replaced.
        self.assertTrue(self.works(s2))
        self.assertTrue(self.works(s1))
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=s0))

    def test_grace_period_bounds(self):
        key = self.create_key(self.server, self.admin, "bounded")
        for value in (604800, 0):
            with self.subTest(value=value):
                resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"],
                                        {"gracePeriodSeconds": value}, token=self.admin)
                self.assertEqual(resp.status, 200, resp)
        for value in (604801, -1, "60"):
            with self.subTest(value=value):
                resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"],
                                        {"gracePeriodSeconds": value}, token=self.admin)
                self.assert_error(resp, 400, "invalid_argument", field="gracePeriodSeconds")

    def test_key_can_rotate_itself_when_permitted(self):
        key = self.create_key(self.server, self.admin, "self-rotating", role="Full Access")
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"], token=key["secret"])
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(self.works(resp.json()["secret"]))
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))


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


class LocaleAndTimeZone(ApiKeysTestCase):

    def test_ja_jp_key_gets_japanese_messages_and_tokyo_times(self):
        ja = self.create_key(self.server, self.admin, "tokyo", role="Full Access",
                             locale="ja-JP", timeZone="Asia/Tokyo")
        # The create response is rendered for its caller (UTC); the key's own calls in Tokyo.
        self.assertTrue(ja["createdAt"].endswith("Z"), ja["createdAt"])
        own = self.server.get("/v1/apikeys/current", token=ja["secret"]).json()
        self.assertTrue(own["createdAt"].endswith("+09:00"), own["createdAt"])
        self.assertEqual(parse_time(own["createdAt"]), parse_time(ja["createdAt"]))
        admin_view = self.get_key(ja["id"])
        self.assertTrue(admin_view["createdAt"].endswith("Z"), admin_view["createdAt"])
        self.assertEqual(parse_time(admin_view["createdAt"]), parse_time(own["createdAt"]))

        for path in ("/v1/apikeys/999999", "/v1/apikeys?limit=0"):
            with self.subTest(path=path):
                ja_resp = self.server.get(path, token=ja["secret"])
                en_resp = self.server.get(path, token=self.admin)
                self.assertEqual(ja_resp.status, en_resp.status)
                self.assertIn(ja_resp.status, (400, 404))
                ja_error = ja_resp.json()["error"]
                en_error = en_resp.json()["error"]
                self.assertEqual(ja_error["code"], en_error["code"])  # codes never translated
                self.assertRegex(ja_error["message"], JAPANESE_RE)
                self.assertIsNone(JAPANESE_RE.search(en_error["message"]))
                self.assertNotEqual(ja_error["message"], en_error["message"])

    def test_request_time_without_offset_is_read_in_callers_zone(self):
        tokyo = self.create_key(self.server, self.admin, "tokyo-creator", role="Full Access",
                                timeZone="Asia/Tokyo")
        year = datetime.datetime.now().year + 2
        created = self.create_key(self.server, tokyo["secret"], "local-expiry",
                                  expiresAt="%d-01-01T09:00:00" % year)
        self.assertEqual(created["expiresAt"], "%d-01-01T09:00:00+09:00" % year)
        self.assertEqual(self.get_key(created["id"])["expiresAt"], "%d-01-01T00:00:00Z" % year)

    def test_nonexistent_local_time_is_400(self):
        ny = self.create_key(self.server, self.admin, "ny-creator", role="Full Access",
                             timeZone="America/New_York")
        year = datetime.datetime.now().year + 2
        # US daylight saving time starts on the second Sunday of March at 02:00: 02:30 that day
        # does not exist in New York.
        sundays = [d for d in range(1, 15) if calendar.weekday(year, 3, d) == calendar.SUNDAY]
        gap = "%d-03-%02dT02:30:00" % (year, sundays[1])
        resp = self.server.post("/v1/apikeys", {"name": "gap", "role": "Auditor",
                                                "expiresAt": gap}, token=ny["secret"])
        self.assert_error(resp, 400, "invalid_argument", field="expiresAt")

    def test_time_zone_change_changes_rendering(self):
        key = self.create_key(self.server, self.admin, "moving")
        self.server.patch("/v1/apikeys/" + key["id"], {"timeZone": "Asia/Tokyo"},
                          token=self.admin)
        own = self.server.get("/v1/apikeys/current", token=key["secret"]).json()
        self.assertTrue(own["createdAt"].endswith("+09:00"), own["createdAt"])


class Credentials(ApiKeysTestCase):

    def test_api_secret_key_header_works_like_bearer(self):
        key = self.create_key(self.server, self.admin, "header-user", role="Auditor")
        by_header = self.server.get("/v1/apikeys/current",
                                    headers={"api-secret-key": key["secret"]})
        by_bearer = self.server.get("/v1/apikeys/current", token=key["secret"])
        self.assertEqual(by_header.status, 200, by_header)
        self.assertEqual(by_header.json()["id"], by_bearer.json()["id"])
        self.assertEqual(by_header.json()["id"], key["id"])
        # The same refusal for a bad secret under either header.
        self.assert_unauthenticated(self.server.get(
            "/v1/apikeys/current", headers={"api-secret-key": wrong_secret_token(key["secret"])}))

    def test_bearer_scheme_is_case_insensitive(self):
        resp = self.server.get("/v1/apikeys/current",
                               headers={"Authorization": "bearer " + self.admin})
        self.assertEqual(resp.status, 200, resp)


class AutomaticLockout(KeywardTestCase):
    """--lockout-threshold N failures in a row lock a key until unlockAt (DESIGN.md, step 3)."""

    def setUp(self):
        super().setUp()
        self.server = self.start_server(extra_args=["--lockout-threshold", "3",
                                                    "--lockout-seconds", "4"])
        self.admin = self.server.bootstrap_key()

    def key(self, key_id):
        return self.server.get("/v1/apikeys/" + key_id, token=self.admin).json()

    def test_repeated_wrong_secrets_lock_until_unlock_at(self):
        key = self.create_key(self.server, self.admin, "target")
        wrong = wrong_secret_token(key["secret"])
        for _ in range(3):
            self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=wrong))
        locked = self.key(key["id"])
        self.assertIs(locked["lockedOut"], True)
        self.assertEqual(locked["status"], "locked_out")
        self.assertIsNotNone(locked["unlockAt"])  # an automatic lock has an end
        self.assertEqual(locked["failedAttempts"], 3)
        # Locked out: even the right secret is refused, with the same 401.
        self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=key["secret"]))
        # Once unlockAt has passed the key works again and its counter is reset.
        unlock_at = parse_time(locked["unlockAt"])
        while datetime.datetime.now(datetime.timezone.utc) < unlock_at + datetime.timedelta(
                seconds=1.5):
            time.sleep(0.25)
        after = self.key(key["id"])
        self.assertIs(after["lockedOut"], False)
        self.assertIsNone(after["unlockAt"])
        self.assertEqual(after["failedAttempts"], 0)
        self.assertEqual(after["status"], "enabled")
        self.assertEqual(self.server.get("/v1/apikeys/current", token=key["secret"]).status, 200)

    def test_success_resets_the_counter(self):
        key = self.create_key(self.server, self.admin, "target")
        wrong = wrong_secret_token(key["secret"])
        for _ in range(2):
            self.server.get("/v1/apikeys/current", token=wrong)
        self.assertEqual(self.key(key["id"])["failedAttempts"], 2)
        self.assertEqual(self.server.get("/v1/apikeys/current", token=key["secret"]).status, 200)
        self.assertEqual(self.key(key["id"])["failedAttempts"], 0)
        for _ in range(2):
            self.server.get("/v1/apikeys/current", token=wrong)
        self.assertIs(self.key(key["id"])["lockedOut"], False, "locked before 3 in a row")

    def test_manual_unlock_ends_automatic_lock(self):
        key = self.create_key(self.server, self.admin, "target")
        wrong = wrong_secret_token(key["secret"])
        for _ in range(3):
            self.server.get("/v1/apikeys/current", token=wrong)
        self.assertIs(self.key(key["id"])["lockedOut"], True)
        resp = self.server.post("/v1/apikeys/%s/unlock" % key["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual((resp.json()["lockedOut"], resp.json()["failedAttempts"]), (False, 0))
        self.assertEqual(self.server.get("/v1/apikeys/current", token=key["secret"]).status, 200)

    def test_failures_from_outside_the_allowlist_do_not_count(self):
        key = self.create_key(self.server, self.admin, "fenced", allowedIps=["8.8.8.8"])
        wrong = wrong_secret_token(key["secret"])
        for _ in range(4):
            self.assert_unauthenticated(self.server.get("/v1/apikeys/current", token=wrong))
        after = self.key(key["id"])
        self.assertEqual(after["failedAttempts"], 0)
        self.assertIs(after["lockedOut"], False)


class ClientAddress(KeywardTestCase):
    """Which client address an allowlist sees: the socket peer, or -- only from a configured
    trusted proxy -- X-Forwarded-For (DESIGN.md "The verification chain")."""

    def test_private_ranges_refused_by_default_admitted_by_operator_setting(self):
        default = self.start_server()
        admin = default.bootstrap_key()
        resp = default.post("/v1/apikeys", {"name": "local", "role": "Auditor",
                                            "allowedIps": ["127.0.0.1"]}, token=admin)
        self.assert_error(resp, 400, "invalid_argument", field="allowedIps[0]")

        onprem = self.start_server(extra_args=["--allow-private-ips"])
        admin = onprem.bootstrap_key()
        local = self.create_key(onprem, admin, "local", allowedIps=["127.0.0.1"])
        self.assertEqual(onprem.get("/v1/apikeys/current", token=local["secret"]).status, 200)
        lan = self.create_key(onprem, admin, "lan", allowedIps=["10.0.0.0/8"])
        self.assert_error(onprem.get("/v1/apikeys/current", token=lan["secret"]), 403,
                          "permission_denied")

    def test_forwarded_for_ignored_from_untrusted_peer(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        key = self.create_key(server, admin, "fenced", allowedIps=["8.8.8.8"])
        for header in ("X-Forwarded-For", "X-Real-IP"):
            with self.subTest(header=header):
                resp = server.get("/v1/apikeys/current", token=key["secret"],
                                  headers={header: "8.8.8.8"})
                self.assert_error(resp, 403, "permission_denied")

    def test_forwarded_for_believed_from_trusted_proxy(self):
        server = self.start_server(extra_args=["--trusted-proxy", "127.0.0.1/32"])
        admin = server.bootstrap_key()
        key = self.create_key(server, admin, "fenced", allowedIps=["8.8.8.8"])
        resp = server.get("/v1/apikeys/current", token=key["secret"],
                          headers={"X-Forwarded-For": "8.8.8.8"})
        self.assertEqual(resp.status, 200, resp)
        # The rightmost untrusted address counts, not what the client wrote further left.
        resp = server.get("/v1/apikeys/current", token=key["secret"],
                          headers={"X-Forwarded-For": "8.8.8.8, 9.9.9.9"})
        self.assert_error(resp, 403, "permission_denied")


if __name__ == "__main__":
    unittest.main()
