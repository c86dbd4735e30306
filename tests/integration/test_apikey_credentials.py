"""How a request presents an API key (Authorization: Bearer, X-API-Secret-Key) and from which client
address it is taken to come (private ranges, X-Forwarded-For from trusted proxies)."""

import unittest

from apikeys_common import ApiKeysTestCase
from harness import KeywardTestCase, wrong_secret_token


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


class ClientAddress(KeywardTestCase):
    """Which client address an allowlist sees: the socket peer, or -- only from a configured
    trusted proxy -- X-Forwarded-For (docs/architecture.md "The verification chain")."""

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
