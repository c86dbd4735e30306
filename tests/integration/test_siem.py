"""SIEM delivery from the real binary: every audit event is forwarded as it happens, as CEF over
RFC 5424 syslog (UDP and TCP receivers started by the test) and to a Splunk HTTP Event Collector
(a local HTTP collector started by the test), each delivery carrying the chain head. A
destination that is down never fails a request."""

import http.server
import json
import socket
import threading
import time
import unittest

from harness import KeywardTestCase, TOKEN_ANYWHERE_RE

ARRIVAL_DEADLINE = 20.0


class UdpReceiver:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.messages = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            self.messages.append(data.decode("utf-8"))

    def close(self):
        self._stop = True
        self._thread.join()
        self.sock.close()


class TcpReceiver:
    """Octet-counted syslog over TCP (RFC 6587): "<length> <message>"."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.messages = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        conns = []
        buffers = {}
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                conn.settimeout(0.05)
                conns.append(conn)
                buffers[conn] = b""
            except socket.timeout:
                pass
            for conn in list(conns):
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    continue
                if not chunk:
                    conns.remove(conn)
                    continue
                buffers[conn] += chunk
                buf = buffers[conn]
                while b" " in buf:
                    length_text, rest = buf.split(b" ", 1)
                    length = int(length_text)
                    if len(rest) < length:
                        break
                    self.messages.append(rest[:length].decode("utf-8"))
                    buf = rest[length:]
                buffers[conn] = buf
        for conn in conns:
            conn.close()

    def close(self):
        self._stop = True
        self._thread.join()
        self.sock.close()


class Collector(http.server.ThreadingHTTPServer):
    """A Splunk-HEC-shaped collector: records each POST's Authorization header and JSON events."""

    def __init__(self):
        self.requests = []
        super().__init__(("127.0.0.1", 0), CollectorHandler)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self.shutdown()
        self.server_close()


class CollectorHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        events = [json.loads(line) for line in body.splitlines() if line.strip()]
        self.server.requests.append({"path": self.path,
                                     "authorization": self.headers.get("Authorization"),
                                     "events": events})
        answer = b'{"text":"Success","code":0}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def wait_for(predicate):
    deadline = time.monotonic() + ARRIVAL_DEADLINE
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class SiemDelivery(KeywardTestCase):
    def setUp(self):
        super().setUp()
        self.udp = UdpReceiver()
        self.addCleanup(self.udp.close)
        self.tcp = TcpReceiver()
        self.addCleanup(self.tcp.close)
        self.collector = Collector()
        self.addCleanup(self.collector.close)
        self.server = self.start_server(
            extra_args=["--syslog", "udp://127.0.0.1:%d" % self.udp.port,
                        "--syslog", "tcp://127.0.0.1:%d" % self.tcp.port,
                        "--hec-url", "http://127.0.0.1:%d" % self.collector.server_address[1]],
            env={"KEYWARD_HEC_TOKEN": "hec-token-for-tests"})
        self.admin = self.server.bootstrap_key()

    def hec_events(self):
        return [e for r in self.collector.requests for e in r["events"]]

    def test_key_changes_reach_syslog_and_hec_with_the_chain_head(self):
        created = self.create_key(self.server, self.admin, "Splunk|pipe=eq\\back")
        key_id = created["id"]
        resp = self.server.post("/v1/apikeys/%s/rotate" % key_id, {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        secrets = [self.admin, created["secret"], resp.json()["secret"]]

        def rotate_seen(messages):
            return any("apikey.rotate" in m for m in messages)

        self.assertTrue(wait_for(lambda: rotate_seen(self.udp.messages)), self.udp.messages)
        self.assertTrue(wait_for(lambda: rotate_seen(self.tcp.messages)), self.tcp.messages)
        self.assertTrue(wait_for(lambda: any(e["event"]["action"] == "apikey.rotate"
                                             for e in self.hec_events())), self.hec_events())

        for messages in (self.udp.messages, self.tcp.messages):
            create = next(m for m in messages
                          if "|apikey.create|" in m and "cs1=apikey:%s " % key_id in m)
            # RFC 5424 header, then the CEF line.
            self.assertRegex(create, r"^<\d+>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ keyward ")
            self.assertIn("CEF:0|Keyward|Keyward|", create)
            # CEF extension escaping of the key name inside the details value.
            self.assertIn("Splunk|pipe\\=eq\\\\\\\\back", create)
            self.assertRegex(create, r"cs3Label=chainHead cs3=v\d+:[0-9a-f]{64}")
            for m in messages:
                self.assertIsNone(TOKEN_ANYWHERE_RE.search(m), m)
                for secret in secrets:
                    self.assertNotIn(secret, m)

        request = self.collector.requests[0]
        self.assertEqual(request["authorization"], "Splunk hec-token-for-tests")
        self.assertEqual(request["path"], "/services/collector/event")
        for wrapper in self.hec_events():
            self.assertEqual(wrapper["sourcetype"], "keyward:audit")
            self.assertIsInstance(wrapper["time"], int)
            event = wrapper["event"]
            self.assertRegex(event["chainHead"], r"^v\d+:[0-9a-f]{64}$")
            self.assertRegex(event["hash"], r"^v\d+:[0-9a-f]{64}$")
            for secret in secrets:
                self.assertNotIn(secret, json.dumps(wrapper))
        create = next(w["event"] for w in self.hec_events() if w["event"]["action"] == "apikey.create"
                      and w["event"]["target"] == "apikey:%s" % key_id)
        self.assertEqual(create["details"]["name"], "Splunk|pipe=eq\\back")

    def test_a_failed_authentication_is_forwarded(self):
        resp = self.server.get("/v1/apikeys", token="kw_nonsense")
        self.assertEqual(resp.status, 401, resp)
        self.assertTrue(wait_for(lambda: any("auth.failure" in m for m in self.udp.messages)),
                        self.udp.messages)


class SiemDown(KeywardTestCase):
    def test_a_destination_that_is_down_never_fails_a_request(self):
        # Nothing listens on this TCP port.
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        server = self.start_server(extra_args=["--syslog", "tcp://127.0.0.1:%d" % port])
        admin = server.bootstrap_key()
        for i in range(5):
            self.create_key(server, admin, "while down %d" % i)
        resp = server.get("/metrics")
        self.assertEqual(resp.status, 200, resp)

    def test_a_bad_destination_stops_start_up_with_a_clear_message(self):
        from harness import Server
        server = Server(self.workdir, extra_args=["--syslog", "http://nope"])
        with self.assertRaises(AssertionError) as failed:
            server.start()
        self.addCleanup(server.kill)
        self.assertIn("syslog", str(failed.exception))


if __name__ == "__main__":
    unittest.main()
