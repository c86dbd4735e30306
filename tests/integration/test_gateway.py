"""Forward auth through a real nginx (docs/api.md "Verification": `/v1/authz`; docs/gateways.md).

Each test runs three processes on 127.0.0.1: `keyward serve --trusted-proxy 127.0.0.1/32`, a
small recording upstream (a thread of the test that answers 200 with the headers it received as
JSON), and /usr/sbin/nginx in front of both with the `auth_request` recipe of docs/gateways.md.
The tests assert what a client of nginx sees and what the upstream receives; they never reach
keyward except through nginx, apart from creating keys with the bootstrap key.

nginx's auth_request lets a 2xx answer through, turns 401 and 403 into the same status for the
client (401 with the auth server's WWW-Authenticate) and anything else into 500. The nginx side
(configuration, process, recording upstream) is in nginx_gateway.py.
"""

import os
import secrets
import unittest
import urllib.parse

from harness import BASE62, KeywardTestCase, make_token, wrong_secret_token
from nginx_gateway import NGINX, Nginx, RecordingUpstream

UNAUTHENTICATED_OUTCOMES = {"MALFORMED", "NOT_FOUND", "DISABLED", "EXPIRED", "LOCKED_OUT",
                            "UNAVAILABLE"}


def unknown_token():
    """A well-formed token whose public id names no key."""
    public_id = "".join(secrets.choice(BASE62) for _ in range(12))
    secret = "".join(secrets.choice(BASE62) for _ in range(43))
    return make_token(public_id, secret)


@unittest.skipUnless(os.access(NGINX, os.X_OK),
                     "nginx is not installed at %s (scripts/deps.sh installs it for tests)"
                     % NGINX)
class NginxAuthRequest(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.keyward = self.start_server(extra_args=["--trusted-proxy", "127.0.0.1/32"])
        self.admin = self.keyward.bootstrap_key()
        self.upstream = RecordingUpstream()
        self.addCleanup(self.upstream.stop)
        self.nginx = Nginx(os.path.join(self.workdir, "nginx"), self.keyward.port,
                           self.upstream.port)
        self.addCleanup(self.nginx.kill)
        self.addCleanup(self.nginx.stop)
        self.nginx.start()

    # --- helpers ---

    def key(self, name, role="Auditor", **fields):
        return self.create_key(self.keyward, self.admin, name, role=role, **fields)

    def through(self, path, token=None, method="GET", headers=None, body=None):
        return self.nginx.request(method, path, token=token, headers=headers, body=body)

    def seen(self, resp):
        """The upstream's record of the request `resp` answers (it echoes it as JSON)."""
        self.assertEqual(resp.status, 200, "%r\nnginx:\n%s" % (resp, self.nginx.logs()))
        return resp.json()

    @staticmethod
    def values(record, name):
        return [v for k, v in record["headers"] if k.lower() == name.lower()]

    def decoded(self, record, name):
        """The values of header `name`, percent-decoded (Keyward sends names and role names
        percent-encoded UTF-8, so they are ASCII on the wire)."""
        values = self.values(record, name)
        for value in values:
            self.assertTrue(value.isascii(), "%s: %r" % (name, value))
        return [urllib.parse.unquote(v, errors="strict") for v in values]

    def assert_passed_as(self, record, key, role):
        self.assertEqual(self.values(record, "X-Keyward-Key-Id"), [key["id"]], record)
        self.assertEqual(self.decoded(record, "X-Keyward-Key-Name"), [key["name"]], record)
        self.assertEqual(self.decoded(record, "X-Keyward-Role"), [role], record)
        self.assertEqual(self.values(record, "X-Keyward-Outcome"), ["VALID"], record)

    def assert_refused(self, resp, status, outcomes, before):
        self.assertEqual(resp.status, status, "%r\nnginx:\n%s" % (resp, self.nginx.logs()))
        self.assertIn(resp.header("X-Keyward-Outcome"), outcomes, resp.headers)
        if status == 401:
            self.assertTrue((resp.header("WWW-Authenticate") or "").lower().startswith("bearer"),
                            resp.headers)
        self.assertEqual(self.upstream.count(), before, "the upstream was reached")

    # --- tests ---

    def test_valid_key_reaches_upstream_with_its_id_name_and_role(self):
        key = self.key("gateway probe \u2014 caf\u00e9 \u9375")
        record = self.seen(self.through("/api/things?x=1", token=key["secret"]))
        self.assertEqual(record["path"], "/api/things?x=1")
        self.assert_passed_as(record, key, "Auditor")

    def test_every_token_header_is_accepted_through_nginx(self):
        key = self.key("token headers")
        for header in ("X-API-Key", "api-secret-key"):
            record = self.seen(self.through("/api", headers={header: key["secret"]}))
            self.assert_passed_as(record, key, "Auditor")

    def test_bad_or_missing_key_is_401_and_upstream_is_not_reached(self):
        key = self.key("real")
        for token in (wrong_secret_token(key["secret"]), unknown_token(), "kw_garbage", None):
            resp = self.through("/api", token=token)
            self.assert_refused(resp, 401, UNAUTHENTICATED_OUTCOMES, 0)
        self.assertEqual(self.through("/api", token=wrong_secret_token(key["secret"]))
                         .header("X-Keyward-Outcome"), "NOT_FOUND")
        self.assertEqual(self.through("/api", token="kw_garbage").header("X-Keyward-Outcome"),
                         "MALFORMED")

    def test_forged_identity_without_a_key_is_401(self):
        resp = self.through("/api", headers={"X-Keyward-Key-Id": "1",
                                             "X-Keyward-Outcome": "VALID"})
        self.assert_refused(resp, 401, UNAUTHENTICATED_OUTCOMES, 0)

    def test_disabled_key_is_401(self):
        key = self.key("disabled", enabled=False)
        resp = self.through("/api", token=key["secret"])
        self.assert_refused(resp, 401, {"DISABLED"}, 0)

    def test_key_outside_its_allowlist_is_403(self):
        key = self.key("allowlisted", allowedIps=["8.8.8.8/32"])
        resp = self.through("/api", token=key["secret"])
        self.assert_refused(resp, 403, {"IP_NOT_ALLOWED"}, 0)

    def test_client_sent_x_forwarded_for_does_not_enter_an_allowlist(self):
        # nginx at the edge replaces X-Forwarded-For with the socket peer for Keyward.
        key = self.key("allowlisted", allowedIps=["8.8.8.8/32"])
        for forged in ("8.8.8.8", "8.8.8.8, 8.8.8.8", "1.1.1.1, 8.8.8.8"):
            resp = self.through("/api", token=key["secret"], headers={"X-Forwarded-For": forged})
            self.assert_refused(resp, 403, {"IP_NOT_ALLOWED"}, 0)
        resp = self.through("/api", token=key["secret"], headers={"X-Real-IP": "8.8.8.8"})
        self.assert_refused(resp, 403, {"IP_NOT_ALLOWED"}, 0)

    def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client(self):
        # The test client plays a trusted load balancer in front of nginx (127.0.0.1/32 is
        # trusted): nginx appends its peer, Keyward skips trusted hops from the right.
        key = self.key("allowlisted", allowedIps=["8.8.8.8/32"])
        record = self.seen(self.through("/chained", token=key["secret"],
                                        headers={"X-Forwarded-For": "8.8.8.8"}))
        self.assert_passed_as(record, key, "Auditor")
        # Whatever a client prepends, the rightmost untrusted hop decides.
        before = self.upstream.count()
        resp = self.through("/chained", token=key["secret"],
                            headers={"X-Forwarded-For": "8.8.8.8, 1.1.1.1"})
        self.assert_refused(resp, 403, {"IP_NOT_ALLOWED"}, before)

    def test_client_sent_keyward_headers_never_reach_the_upstream(self):
        key = self.key("honest")
        forged = {"X-Keyward-Key-Id": "999", "X-Keyward-Key-Name": "forged",
                  "X-Keyward-Role": "Master Administrator", "X-Keyward-Outcome": "FORGED"}
        record = self.seen(self.through("/api", token=key["secret"], headers=forged))
        self.assert_passed_as(record, key, "Auditor")
        for name, value in forged.items():
            self.assertNotIn(value, self.values(record, name), record)
        self.assertNotEqual(key["id"], "999")

    def test_client_sent_permission_header_never_reaches_the_upstream(self):
        key = self.key("viewer")
        record = self.seen(self.through("/api", token=key["secret"],
                                        headers={"X-Keyward-Permission": "apikeys:view"}))
        self.assertEqual(self.values(record, "X-Keyward-Permission"), [], record)

    def test_location_requiring_a_permission(self):
        auditor = self.key("auditor")
        resp = self.through("/orders/42", token=auditor["secret"])
        self.assert_refused(resp, 403, {"INSUFFICIENT_PERMISSIONS"}, 0)
        # The same key passes where no permission is required: the 403 is the permission's.
        self.seen(self.through("/api", token=auditor["secret"]))
        admin_id = self.keyward.get("/v1/apikeys/current", token=self.admin).json()["id"]
        record = self.seen(self.through("/orders/42", token=self.admin))
        self.assertEqual(record["path"], "/orders/42")
        self.assertEqual(self.values(record, "X-Keyward-Key-Id"), [admin_id], record)
        self.assertEqual(self.decoded(record, "X-Keyward-Role"), ["Master Administrator"], record)

    def test_client_permission_header_can_only_add_requirements(self):
        auditor = self.key("auditor")
        before = self.upstream.count()
        # The location's own requirement still applies when the client names another one...
        resp = self.through("/orders/42", token=auditor["secret"],
                            headers={"X-Keyward-Permission": "apikeys:view"})
        self.assert_refused(resp, 403, {"INSUFFICIENT_PERMISSIONS"}, before)
        # ...and a requirement the client adds is enforced too (the union of all of them).
        resp = self.through("/api", token=auditor["secret"],
                            headers={"X-Keyward-Permission": "orders:read"})
        self.assert_refused(resp, 403, {"INSUFFICIENT_PERMISSIONS"}, before)

    def test_request_body_is_not_sent_to_keyward(self):
        # Larger than Keyward's 64 KiB body limit: were the body forwarded, or only announced by
        # a Content-Length the auth location failed to clear, Keyward would answer 413 and nginx
        # 500. (A small body announced but never sent would leave Keyward waiting instead.)
        key = self.key("uploader")
        body = b"x" * (100 * 1024)
        record = self.seen(self.through("/upload", token=key["secret"], method="POST", body=body,
                                        headers={"Content-Type": "application/octet-stream"}))
        self.assertEqual(record["method"], "POST")
        self.assertEqual(record["bodyLength"], len(body))
        self.assert_passed_as(record, key, "Auditor")

    def test_repeated_failures_become_403_rate_limited_with_retry_after(self):
        resp = None
        for _ in range(200):
            resp = self.through("/api", token=unknown_token())
            if resp.status != 401:
                break
        self.assert_refused(resp, 403, {"RATE_LIMITED"}, 0)
        retry_after = resp.header("Retry-After")
        self.assertIsNotNone(retry_after, resp.headers)
        self.assertTrue(retry_after.isdigit() and int(retry_after) > 0, retry_after)

    def test_keyward_unreachable_is_500_and_upstream_is_not_reached(self):
        key = self.key("orphan")
        self.keyward.stop()
        resp = self.through("/api", token=key["secret"])
        self.assertEqual(resp.status, 500, resp)
        self.assertEqual(self.upstream.count(), 0)


if __name__ == "__main__":
    unittest.main()
