"""The process lifecycle of `keyward serve` (docs/api.md "Service"): version, signals, the listening line,
a port in use, JSON log lines; and the service endpoints (health, readiness, metrics, OpenAPI)."""

import signal
import subprocess
import unittest

from harness import KEYWARD_BIN, STOP_DEADLINE, KeywardTestCase, Server, run_keyward, tail


class Lifecycle(KeywardTestCase):

    def test_version_prints_a_version(self):
        result = run_keyward(["version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"\d+\.\d+\.\d+")

    def test_sigterm_exits_zero(self):
        server = self.start_server()
        self.assertEqual(server.get("/healthz").status, 200)
        server.stop()  # asserts exit code 0 within the deadline
        self.assertEqual(server.exit_code, 0)

    def test_sigterm_with_idle_keepalive_connection_exits_zero(self):
        server = self.start_server()
        sock = server.connect()
        self.addCleanup(sock.close)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = sock.recv(65536)
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data)
        # The connection is now idle and kept alive; SIGTERM must still end the process.
        server.stop()
        self.assertEqual(server.exit_code, 0)

    def test_sigint_exits_zero(self):
        server = self.start_server()
        server.proc.send_signal(signal.SIGINT)
        try:
            code = server.proc.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            self.fail("no exit within %.0f s of SIGINT" % STOP_DEADLINE)
        server.exit_code = code
        self.assertEqual(code, 0, tail(server.stderr()))

    def test_listening_line_names_the_real_port(self):
        server = self.start_server()
        self.assertNotEqual(server.port, 0)
        self.assertIn("listening on 127.0.0.1:%d" % server.port, server.stdout())
        self.assertEqual(server.get("/healthz").status, 200)

    def test_port_in_use_fails_with_message(self):
        first = self.start_server()
        taken = Server(self.workdir)
        taken.command = lambda: [KEYWARD_BIN, "serve", "--listen", "127.0.0.1:%d" % first.port,
                                 "--data-dir", taken.data_dir]
        self.addCleanup(taken.kill)
        try:
            taken.start()
        except AssertionError:
            pass
        else:
            taken.stop()
            self.fail("a second server listened on a port already in use")
        self.assertNotEqual(taken.exit_code, 0)
        self.assertIn(str(first.port), taken.stderr())
        # The first server is unaffected.
        self.assertEqual(first.get("/healthz").status, 200)

    def test_logs_are_json_lines(self):
        server = self.start_server()
        server.stop()
        records = server.log_records()
        self.assertTrue(records, tail(server.stderr()))
        for record in records:
            self.assertIn("msg", record)
            self.assertIn("level", record)
            self.assertIn("time", record)


class Service(KeywardTestCase):

    def test_health_and_readiness(self):
        server = self.start_server()
        for path in ("/healthz", "/readyz"):
            with self.subTest(path=path):
                resp = server.get(path)  # no credential needed
                self.assertEqual(resp.status, 200, resp)

    def test_metrics(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        self.create_key(server, admin, "off", enabled=False)
        self.assertEqual(server.get("/v1/apikeys/current", token=admin).status, 200)
        resp = server.get("/metrics")
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/plain"), resp)
        text = resp.text
        self.assertRegex(text, r'(?m)^keyward_verifications_total\{outcome="VALID"\} \d+')
        self.assertRegex(text, r"(?m)^keyward_request_duration_seconds_bucket\{")
        self.assertRegex(text, r"(?m)^keyward_request_duration_seconds_count")
        self.assertRegex(text, r'(?m)^keyward_keys\{status="enabled"\} 1$')
        self.assertRegex(text, r'(?m)^keyward_keys\{status="disabled"\} 1$')
        self.assertNotIn(admin, text)

    def test_openapi_document(self):
        server = self.start_server()
        resp = server.get("/v1/openapi.json")
        self.assertEqual(resp.status, 200, resp)
        doc = resp.json()
        self.assertIn("openapi", doc)
        for path in ("/v1/apikeys", "/v1/apikeys/{id}", "/v1/apikeys/{id}/rotate",
                     "/v1/apikeys/delete", "/v1/apikeys/current", "/v1/roles",
                     "/v1/permissions"):
            self.assertIn(path, doc["paths"])


if __name__ == "__main__":
    unittest.main()
