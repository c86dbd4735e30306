"""Rotating an API key's secret (docs/api.md "API keys", rotate): the old secret dies at once or after
a grace period, whose use is recorded apart."""

import datetime
import time
import unittest

from apikeys_common import RFC3339_SECONDS, ApiKeysTestCase, parse_time


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


if __name__ == "__main__":
    unittest.main()
