"""HTTP transport attacks on the real `keyward serve`, over raw sockets (docs/security.md "HTTP
transport attacks"): request smuggling through Transfer-Encoding, trailer fields passed off as
headers, one address holding every connection, tokens hidden in query strings, secrets in the
access log, and requests that slip past Content-Type or the forward-auth permission parameter.
Each test sends what an attacker would and asserts what the server must answer."""

import http.client
import re
import socket
import time
import unittest

from harness import HTTP_TIMEOUT, KeywardTestCase, Response

# Bounds how long a test waits for the server to act on its own; nothing asserts speed.
WAIT = 20.0
# secret_scan.hpp BARE_SECRET_RUN: the access log redacts a run of this many base62 characters.
BARE_SECRET_RUN = 32
STATUS_LINE_RE = re.compile(rb"HTTP/1\.[01] (\d{3}) ")


def read_until_closed(sock, deadline=WAIT):
    """Everything the server sends until it closes the connection (or `deadline` passes)."""
    sock.settimeout(deadline)
    data = b""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def statuses(raw):
    """The status codes of every response in `raw`, in order."""
    return [int(m.group(1)) for m in STATUS_LINE_RE.finditer(raw)]


def chunked(body):
    """`body` (bytes) as one chunk and the last chunk, without the final CRLF of the trailer
    section (the caller adds trailer fields, then CRLF)."""
    return b"%x\r\n%s\r\n0\r\n" % (len(body), body) if body else b"0\r\n"


class HttpAttacks(KeywardTestCase):

    def exchange(self, server, data):
        """Sends `data` on a fresh connection; returns every status the server answered with
        before closing the connection."""
        sock = server.connect()
        self.addCleanup(sock.close)
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        raw = read_until_closed(sock)
        return statuses(raw), raw

    # --- request smuggling (item 1) ---

    def test_transfer_encoding_not_ending_in_chunked_is_400_and_its_body_is_never_served(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        smuggled = ("GET /v1/apikeys/current HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Authorization: Bearer %s\r\n\r\n" % admin).encode("ascii")
        for coding in ("identity", "gzip", "xchunked", "chunked, identity"):
            head = ("POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/json\r\nTransfer-Encoding: %s\r\n\r\n"
                    % coding).encode("ascii")
            codes, raw = self.exchange(server, head + smuggled)
            self.assertEqual(codes, [400], "%s: %r" % (coding, raw[:300]))

    def test_two_transfer_encoding_fields_are_400(self):
        server = self.start_server()
        # /healthz would answer 200: only the framing can make this 400.
        codes, raw = self.exchange(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           b"Transfer-Encoding: gzip\r\n"
                                           b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertEqual(codes, [400], raw[:300])

    def test_http10_with_transfer_encoding_is_400(self):
        server = self.start_server()
        codes, raw = self.exchange(server, b"GET /healthz HTTP/1.0\r\n"
                                           b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertEqual(codes, [400], raw[:300])

    def test_http11_without_exactly_one_host_is_400(self):
        server = self.start_server()
        for head in (b"GET /healthz HTTP/1.1\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"):
            codes, raw = self.exchange(server, head)
            self.assertEqual(codes, [400], raw[:300])
        self.assertEqual(server.get("/healthz").status, 200)

    # --- trailer fields (item 2) ---

    def chunked_request(self, method, path, headers, body, trailers):
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n" % (method,
                                                                                      path)
        head += "".join("%s: %s\r\n" % item for item in headers)
        tail = "".join("%s: %s\r\n" % item for item in trailers)
        return (head + "\r\n").encode("ascii") + chunked(body) + tail.encode("ascii") + b"\r\n"

    def test_authorization_in_a_trailer_is_refused(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        json_type = [("Content-Type", "application/json")]
        for name, value in (("Authorization", "Bearer " + admin), ("api-secret-key", admin)):
            codes, raw = self.exchange(server, self.chunked_request(
                "POST", "/v1/keys/verify", json_type, b'{"key": "nope"}', [(name, value)]))
            self.assertEqual(codes, [400], "%s: %r" % (name, raw[:300]))
        codes, raw = self.exchange(server, self.chunked_request(
            "GET", "/v1/authz", [], b"", [("X-API-Key", admin)]))
        self.assertEqual(codes, [400], raw[:300])

    def test_x_forwarded_for_in_a_trailer_never_enters_an_allowlist(self):
        server = self.start_server(extra_args=["--trusted-proxy", "127.0.0.1/32"])
        admin = server.bootstrap_key()
        created = self.create_key(server, admin, "allowlisted", role="Auditor",
                                  allowedIps=["8.8.8.8"])
        key = created["secret"]
        for name in ("X-Forwarded-For", "X-Real-IP"):
            codes, raw = self.exchange(server, self.chunked_request(
                "GET", "/v1/apikeys/current", [("Authorization", "Bearer " + key)], b"",
                [(name, "8.8.8.8")]))
            self.assertEqual(codes, [400], "%s: %r" % (name, raw[:300]))
            codes, raw = self.exchange(server, self.chunked_request(
                "GET", "/v1/authz", [("Authorization", "Bearer " + key)], b"",
                [(name, "8.8.8.8")]))
            self.assertEqual(codes, [400], "%s: %r" % (name, raw[:300]))
        # The same address as a header is believed from the trusted proxy: the key works.
        resp = server.get("/v1/authz", headers={"Authorization": "Bearer " + key,
                                                "X-Forwarded-For": "8.8.8.8"})
        self.assertEqual(resp.status, 200, resp)

    def test_permission_header_in_a_trailer_is_refused(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        codes, raw = self.exchange(server, self.chunked_request(
            "GET", "/v1/authz", [("Authorization", "Bearer " + admin)], b"",
            [("X-Keyward-Permission", "orders:read")]))
        self.assertEqual(codes, [400], raw[:300])

    def test_chunked_request_without_trailer_fields_is_served(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        codes, raw = self.exchange(server, self.chunked_request(
            "POST", "/v1/keys/verify",
            [("Authorization", "Bearer " + admin), ("Content-Type", "application/json"),
             ("Connection", "close")],
            b'{"key": "nope"}', []))
        self.assertEqual(codes, [200], raw[:300])

    # --- one address taking every connection (item 4) ---

    def open_idle(self, server, count, source="127.0.0.1"):
        socks = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT,
                                            source_address=(source, 0))
            self.addCleanup(sock.close)
            socks.append(sock)
        return socks

    def get_from(self, server, source, path="/healthz"):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_TIMEOUT,
                                          source_address=(source, 0))
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return Response(resp.status, resp.reason, resp.headers, resp.read())
        finally:
            conn.close()

    def post_raw(self, server, path, body, headers):
        """POST `body` (str) with exactly `headers` (and Content-Length)."""
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_TIMEOUT)
        try:
            conn.request("POST", path, body=body.encode("utf-8"), headers=headers)
            resp = conn.getresponse()
            return Response(resp.status, resp.reason, resp.headers, resp.read())
        finally:
            conn.close()

    def closed_without_answer(self, sock):
        return read_until_closed(sock) == b""

    def test_one_address_gets_at_most_256_connections_loopback_included(self):
        server = self.start_server(extra_args=["--header-timeout", "60"])
        idle = self.open_idle(server, 256)
        # Make sure every idle connection was accepted before the one past the limit.
        probe = self.open_idle(server, 1)[0]
        self.assertTrue(self.closed_without_answer(probe), "the 257th connection was kept")
        # Another address is still served while this one is full.
        self.assertEqual(self.get_from(server, "127.0.0.2").status, 200)
        # Once one of its connections goes, the address is served again.
        idle[0].close()
        served = False
        for _ in range(100):
            try:
                served = self.get_from(server, "127.0.0.1").status == 200
            except (ConnectionError, http.client.HTTPException):
                served = False
            if served:
                break
            time.sleep(0.05)
        self.assertTrue(served)

    def test_the_per_address_limit_is_configurable(self):
        server = self.start_server(extra_args=["--header-timeout", "60"],
                                   env={"KEYWARD_MAX_CONNECTIONS_PER_ADDRESS": "3"})
        self.open_idle(server, 3)
        probe = self.open_idle(server, 1)[0]
        self.assertTrue(self.closed_without_answer(probe))

    def test_a_trusted_proxy_is_exempt_from_the_per_address_limit(self):
        server = self.start_server(extra_args=["--header-timeout", "60", "--trusted-proxy",
                                               "127.0.0.1/32", "--max-connections-per-address",
                                               "3"])
        self.open_idle(server, 10)
        self.assertEqual(self.get_from(server, "127.0.0.1").status, 200)
        self.open_idle(server, 3, source="127.0.0.2")
        probe = self.open_idle(server, 1, source="127.0.0.2")[0]
        self.assertTrue(self.closed_without_answer(probe))

    def test_a_connection_that_sends_no_request_is_closed_after_the_header_timeout(self):
        server = self.start_server(extra_args=["--header-timeout", "1", "--read-timeout", "120"])
        sock = self.open_idle(server, 1)[0]
        started = time.monotonic()
        self.assertTrue(self.closed_without_answer(sock))
        # Far sooner than the read timeout: the header timeout closed it.
        self.assertLess(time.monotonic() - started, 60)

    def test_headers_sent_a_byte_at_a_time_are_cut_off_with_408(self):
        server = self.start_server(extra_args=["--header-timeout", "2", "--read-timeout", "120"])
        sock = self.open_idle(server, 1)[0]
        started = time.monotonic()
        data = b""
        for byte in b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(0.05)
            if time.monotonic() - started > 60:
                break
        data = read_until_closed(sock)
        self.assertEqual(statuses(data), [408], data[:300])
        self.assertLess(time.monotonic() - started, 60)

    # --- tokens in a query string (item 11) ---

    def query_variants(self, token):
        return ["?" + token, "?x=%20" + token, "?x=zz" + token,
                "?authorization=Bearer%20" + token, "?x=%6Bw_" + token[3:],
                "?x=%256Bw_" + token[3:], "?a=1&" + token + "=1"]

    def test_a_token_anywhere_in_a_management_query_is_400(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        for query in self.query_variants(admin):
            resp = server.get("/v1/apikeys/current" + query, token=admin)
            error = self.assert_error(resp, 400, "invalid_argument")
            self.assertNotIn(admin[16:], resp.text, query)
            self.assertNotIn("kw_", error.get("field", ""), query)
        self.assertEqual(server.get("/v1/apikeys/current?x=1", token=admin).status, 200)

    def test_a_token_anywhere_in_an_authz_query_is_401_malformed(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        for query in self.query_variants(admin):
            resp = server.get("/v1/authz/orders" + query, headers={"X-API-Key": admin})
            self.assertEqual(resp.status, 401, "%s: %r" % (query, resp))
            self.assertEqual(resp.header("X-Keyward-Outcome"), "MALFORMED", query)
        # The upstream's own parameters pass untouched.
        resp = server.get("/v1/authz/orders?page=2&q=kw_x&token=abc",
                          headers={"X-API-Key": admin})
        self.assertEqual(resp.status, 200, resp)

    # --- secrets in the access log (item 12) ---

    def test_the_access_log_never_carries_a_secret(self):
        server = self.start_server(extra_args=["--access-log"])
        admin = server.bootstrap_key()
        secret = admin[16:]  # 43 characters of secret and 6 of checksum
        paths = ["/v1/apikeys/%6Bw_" + admin[3:], "/v1/apikeys/%256Bw_" + admin[3:],
                 "/v1/apikeys/" + secret, "/v1/authz/" + admin[3:], "/v1/apikeys/" + admin]
        for path in paths:
            server.get(path, token=admin)
        for method in (admin, secret):
            self.exchange(server, ("%s /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Connection: close\r\n\r\n" % method).encode("ascii"))
        server.get("/healthz")  # the log lines of the requests above are written by now
        server.stop()
        log = server.stderr()
        self.assertNotIn(secret, log)
        self.assertNotIn(secret[:BARE_SECRET_RUN], log)
        requests = [r for r in server.log_records() if r.get("msg") == "request"]
        self.assertGreaterEqual(len([r for r in requests if "[redacted]" in r["path"]]),
                                len(paths))
        self.assertGreaterEqual(len([r for r in requests if r["method"] == "[unknown]"]), 2)
        self.assertTrue(any(r["method"] == "GET" for r in requests))

    # --- Content-Type and near-miss permission parameters (item 13) ---

    def test_a_body_without_application_json_is_400_naming_content_type(self):
        server = self.start_server(password_file=True)
        admin = server.bootstrap_key()
        password = server.bootstrap_password()
        body = '{"email": "admin@localhost", "password": "%s"}' % password
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = {} if content_type is None else {"Content-Type": content_type}
            resp = self.post_raw(server, "/v1/session", body, headers)
            self.assert_error(resp, 400, "invalid_argument", field="Content-Type")
            self.assertNotIn("keyward_session", resp.set_cookies())
        resp = self.post_raw(server, "/v1/apikeys", '{"name": "csrf", "role": "Auditor"}',
                             {"Content-Type": "text/plain", "Authorization": "Bearer " + admin})
        self.assert_error(resp, 400, "invalid_argument", field="Content-Type")
        resp = self.post_raw(server, "/v1/session", body,
                             {"Content-Type": "application/json; charset=utf-8"})
        self.assertEqual(resp.status, 201, resp)

    def test_an_authz_parameter_that_is_nearly_permission_fails_closed(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        for name in ("Permission", "permissions", "perm", "permision", "PERMISSIONS"):
            resp = server.get("/v1/authz/orders?%s=orders:read" % name,
                              headers={"X-API-Key": admin})
            self.assertEqual(resp.status, 403, "%s: %r" % (name, resp))
            self.assertEqual(resp.header("X-Keyward-Outcome"), "INSUFFICIENT_PERMISSIONS", name)
        resp = server.get("/v1/authz/orders?permission=orders:read&page=2",
                          headers={"X-API-Key": admin})
        self.assertEqual(resp.status, 200, resp)
        server.stop()
        named = [r.get("parameter") for r in server.log_records() if "parameter" in r]
        self.assertEqual(named, ["Permission", "permissions", "perm", "permision",
                                 "PERMISSIONS"])


if __name__ == "__main__":
    unittest.main()
