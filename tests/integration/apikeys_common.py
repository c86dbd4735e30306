"""Shared by the API key integration modules (test_apikeys and the test_apikey_* modules): the
fields of a key object, time helpers, and ApiKeysTestCase, a fresh server per test with the
bootstrap key. Also ErrorsTestCase, the same for the error modules (test_errors,
test_auth_errors)."""

import datetime
import re

from harness import TOKEN_RE, KeywardTestCase

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


class ErrorsTestCase(KeywardTestCase):
    """A fresh server per test with the bootstrap key, for the error modules (test_errors,
    test_auth_errors)."""

    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.admin = self.server.bootstrap_key()

    def create(self, body, token=None):
        return self.server.post("/v1/apikeys", body, token=token or self.admin)

    def key_count(self):
        resp = self.server.get("/v1/apikeys?limit=500", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return len(resp.json()["items"])
