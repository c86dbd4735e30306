"""An API key's state (docs/api.md "API keys"): disabling and enabling, locking and unlocking by hand,
and the automatic lockout after repeated wrong secrets."""

import datetime
import time
import unittest

from apikeys_common import ApiKeysTestCase, parse_time
from harness import KeywardTestCase, wrong_secret_token


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


class AutomaticLockout(KeywardTestCase):
    """--lockout-threshold N failures in a row lock a key until unlockAt (docs/architecture.md "The verification chain", step 4)."""

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


if __name__ == "__main__":
    unittest.main()
