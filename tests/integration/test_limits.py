"""Transport limits of `keyward serve` (src/http/server.hpp) and what the access log may never
hold (docs/api.md "Conventions": a token in a query string is refused and never logged)."""

import http.client
import json
import socket
import time
import unittest

from harness import (TOKEN_ANYWHERE_RE, KeywardTestCase, read_http_response, status_of, tail)

# Bounds how long a test waits for the server to act on its own (timeouts, closing); the tests
# assert what happens, never how fast.
WAIT = 20.0


def send_quietly(sock, data):
    """Sends `data`; a server that already answered and closed may reset the connection."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


class Limits(KeywardTestCase):

    def assert_serves(self, server):
        resp = server.get("/healthz")
        self.assertEqual(resp.status, 200, resp)

    def open(self, server):
        sock = server.connect()
        self.addCleanup(sock.close)
        return sock

    def test_header_block_over_16_kib_is_431_and_server_still_answers(self):
        server = self.start_server()
        sock = self.open(server)
        filler = "a" * 1000
        headers = "".join("X-Filler-%d: %s\r\n" % (i, filler) for i in range(20))  # ~20 KiB
        send_quietly(sock, ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % headers)
                     .encode("ascii"))
        raw = read_http_response(sock)
        self.assertEqual(status_of(raw), 431, raw[:200])
        self.assert_serves(server)

    def test_header_block_under_the_limit_is_served(self):
        server = self.start_server()
        resp = server.get("/healthz", headers={"X-Filler": "a" * 8000})
        self.assertEqual(resp.status, 200, resp)

    def test_body_over_64_kib_is_413(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        body = json.dumps({"name": "big", "role": "Auditor",
                           "description": "d" * (70 * 1024)}).encode("ascii")
        sock = self.open(server)
        head = ("POST /v1/apikeys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                % (admin, len(body))).encode("ascii")
        send_quietly(sock, head + body)
        raw = read_http_response(sock)
        self.assertEqual(status_of(raw), 413, raw[:200])
        payload = raw[raw.find(b"\r\n\r\n") + 4:]
        self.assertEqual(json.loads(payload)["error"]["code"], "payload_too_large")
        self.assert_serves(server)
        listed = server.get("/v1/apikeys", token=admin).json()["items"]
        self.assertEqual(len(listed), 1, "the oversized create was carried out")

    def test_chunked_body_over_64_kib_is_413(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        sock = self.open(server)
        head = ("POST /v1/apikeys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                % admin).encode("ascii")
        chunk = b"d" * 8192
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(10)) + b"0\r\n\r\n"
        send_quietly(sock, head + chunks)
        raw = read_http_response(sock)
        self.assertEqual(status_of(raw), 413, raw[:200])
        self.assert_serves(server)

    def test_read_timeout_answers_408_and_server_still_answers(self):
        server = self.start_server(extra_args=["--read-timeout", "1"])
        sock = self.open(server)
        sock.settimeout(WAIT)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: unfinished
        raw = read_http_response(sock)
        self.assertEqual(status_of(raw), 408, raw[:200])
        self.assert_serves(server)

    def test_read_timeout_on_an_unfinished_body_answers_408(self):
        server = self.start_server(extra_args=["--read-timeout", "1"])
        admin = server.bootstrap_key()
        sock = self.open(server)
        sock.settimeout(WAIT)
        sock.sendall(("POST /v1/apikeys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                      "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\""
                      % admin).encode("ascii"))
        raw = read_http_response(sock)
        self.assertEqual(status_of(raw), 408, raw[:200])
        self.assert_serves(server)

    def test_idle_timeout_closes_idle_keepalive_connection(self):
        server = self.start_server(extra_args=["--idle-timeout", "1"])
        sock = self.open(server)
        sock.settimeout(WAIT)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        raw = read_http_response(sock)
        self.assertEqual(status_of(raw), 200, raw[:200])
        self.assertNotIn(b"connection: close", raw.lower())
        # Now idle: the server closes the connection, silently.
        try:
            rest = sock.recv(65536)
        except ConnectionResetError:
            rest = b""
        except socket.timeout:
            self.fail("the idle keep-alive connection was not closed")
        self.assertEqual(rest, b"")
        self.assert_serves(server)

    def test_keepalive_connection_serves_several_requests(self):
        server = self.start_server()
        sock = self.open(server)
        for _ in range(3):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            raw = read_http_response(sock)
            self.assertEqual(status_of(raw), 200, raw[:200])

    def test_max_connections_refuses_the_extra_connection(self):
        server = self.start_server(extra_args=["--max-connections", "2"])
        idle = []
        for _ in range(2):
            sock = self.open(server)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            raw = read_http_response(sock)
            self.assertEqual(status_of(raw), 200, raw[:200])
            idle.append(sock)  # kept alive, idle
        # The third is accepted and closed at once, without a response (server.hpp).
        third = self.open(server)
        third.settimeout(WAIT)
        send_quietly(third, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            raw = read_http_response(third)
        except socket.timeout:
            self.fail("the connection over the limit was neither answered nor closed")
        self.assertEqual(raw, b"", "a connection over the limit got a response: %r" % raw[:200])
        # The two idle ones still work.
        idle[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.assertEqual(status_of(read_http_response(idle[0])), 200)
        # Once they close, the server serves new connections again.
        for sock in idle:
            sock.close()
        deadline = time.monotonic() + WAIT
        while True:
            try:
                resp = server.get("/healthz")
                if resp.status == 200:
                    break
            except (OSError, http.client.HTTPException):  # closed while the slots free up
                pass
            if time.monotonic() > deadline:
                self.fail("no connection served after the idle ones closed")
            time.sleep(0.2)


class AccessLog(KeywardTestCase):

    def test_no_secret_ever_reaches_the_log(self):
        server = self.start_server(extra_args=["--access-log"])
        admin = server.bootstrap_key()
        secrets = [admin]
        created = server.post("/v1/apikeys", {"name": "logged", "role": "Full Access"},
                              token=admin)
        self.assertEqual(created.status, 201, created)
        key = created.json()
        secrets.append(key["secret"])
        rotated = server.post("/v1/apikeys/%s/rotate" % key["id"], {"gracePeriodSeconds": 60},
                              token=admin)
        self.assertEqual(rotated.status, 200, rotated)
        secrets.append(rotated.json()["secret"])
        again = server.post("/v1/apikeys/%s/rotate" % key["id"], token=key["secret"])
        secrets.append(again.json()["secret"])
        other = server.post("/v1/apikeys", {"name": "other", "role": "Auditor"},
                            token=secrets[-1]).json()
        secrets.append(other["secret"])
        server.get("/v1/apikeys", token=admin)
        server.get("/v1/apikeys/current", token=other["secret"])
        server.get("/v1/apikeys/current", headers={"api-secret-key": other["secret"]})
        server.patch("/v1/apikeys/" + other["id"], {"description": "x"}, token=admin)
        server.post("/v1/apikeys/%s/disable" % other["id"], token=admin)
        server.get("/v1/apikeys/current", token=other["secret"])  # 401: a failure, logged
        server.post("/v1/apikeys/delete", {"ids": [other["id"], "abc"]}, token=admin)
        # A token in the query string: refused, and not logged.
        resp = server.get("/v1/apikeys?api_key=" + admin)
        self.assertEqual(resp.status, 400, resp)
        resp = server.get("/v1/apikeys?q=" + key["secret"], token=admin)
        self.assertEqual(resp.status, 400, resp)
        # A token pasted into the path by mistake: not found, and not logged.
        resp = server.get("/v1/apikeys/" + admin, token=admin)
        self.assertEqual(resp.status, 404, resp)
        server.stop()

        err = server.stderr()
        for secret in secrets:
            self.assertNotIn(secret, err)
            self.assertNotIn(secret[16:], err)  # the secret part alone
        self.assertIsNone(TOKEN_ANYWHERE_RE.search(err), tail(err))
        # The access log is on: it did record the calls (so the check above is not vacuous).
        records = server.log_records()
        requests = [r for r in records if "/v1/apikeys" in json.dumps(r)]
        self.assertGreaterEqual(len(requests), 10, tail(err))

        def logged_with_status(status):
            return any(status in r.values() or str(status) in r.values() for r in requests)

        self.assertTrue(logged_with_status(201), tail(err))
        self.assertTrue(logged_with_status(400), tail(err))

    def test_without_access_log_no_request_lines(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        for _ in range(3):
            server.get("/v1/apikeys/current", token=admin)
        server.stop()
        lines = [line for line in server.stderr().splitlines() if "/v1/apikeys/current" in line]
        self.assertEqual(lines, [])


if __name__ == "__main__":
    unittest.main()
