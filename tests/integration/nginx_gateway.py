"""Forward auth through a real nginx (API.md "Verification": `/v1/authz`; docs/gateways.md).

Each test runs three processes on 127.0.0.1: `keyward serve --trusted-proxy 127.0.0.1/32`, a
small recording upstream (a thread of the test that answers 200 with the headers it received as
JSON), and /usr/sbin/nginx in front of both with the `auth_request` recipe of docs/gateways.md.
The tests assert what a client of nginx sees and what the upstream receives; they never reach
keyward except through nginx, apart from creating keys with the bootstrap key.

nginx's auth_request lets a 2xx answer through, turns 401 and 403 into the same status for the
client (401 with the auth server's WWW-Authenticate) and anything else into 500.
"""

import http.client
import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
import unittest
import urllib.parse

from harness import (BASE62, HTTP_TIMEOUT, KeywardTestCase, Response, make_token, tail,
                     wrong_secret_token)

NGINX = "/usr/sbin/nginx"
# Bounds how long a broken nginx can hang a test; nothing asserts speed.
NGINX_DEADLINE = 20.0

UNAUTHENTICATED_OUTCOMES = {"MALFORMED", "NOT_FOUND", "DISABLED", "EXPIRED", "LOCKED_OUT",
                            "UNAVAILABLE"}

# The nginx recipe of docs/gateways.md. Placeholders are @NAME@ (nginx itself uses `$`).
# keyward-authz.conf goes in the internal locations that call Keyward (each sets its own
# X-Forwarded-For: two proxy_set_header lines for one name would send the header twice);
# keyward-identity.conf in every protected location. proxy_set_header is inherited only by a level
# that sets none itself, so each protected location includes the whole identity block.
AUTHZ_SNIPPET = """\
proxy_pass_request_body off;
proxy_set_header Content-Length "";
proxy_http_version 1.1;
proxy_set_header Connection "";
"""

IDENTITY_SNIPPET = """\
auth_request_set $keyward_key_id $upstream_http_x_keyward_key_id;
auth_request_set $keyward_key_name $upstream_http_x_keyward_key_name;
auth_request_set $keyward_role $upstream_http_x_keyward_role;
auth_request_set $keyward_outcome $upstream_http_x_keyward_outcome;
auth_request_set $keyward_retry_after $upstream_http_retry_after;
add_header X-Keyward-Outcome $keyward_outcome always;
add_header Retry-After $keyward_retry_after always;
proxy_set_header X-Keyward-Key-Id $keyward_key_id;
proxy_set_header X-Keyward-Key-Name $keyward_key_name;
proxy_set_header X-Keyward-Role $keyward_role;
proxy_set_header X-Keyward-Outcome $keyward_outcome;
proxy_set_header X-Keyward-Permission "";
proxy_set_header Host $host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_pass http://app;
"""

NGINX_CONF = """\
daemon off;
master_process off;
pid @PREFIX@/nginx.pid;
error_log @PREFIX@/error.log info;

events {
    worker_connections 256;
}

http {
    access_log @PREFIX@/access.log;
    client_body_temp_path @PREFIX@/client_body;
    proxy_temp_path @PREFIX@/proxy;
    fastcgi_temp_path @PREFIX@/fastcgi;
    uwsgi_temp_path @PREFIX@/uwsgi;
    scgi_temp_path @PREFIX@/scgi;

    upstream keyward {
        server 127.0.0.1:@KEYWARD_PORT@;
        keepalive 8;
    }
    upstream app {
        server 127.0.0.1:@APP_PORT@;
    }

    server {
        listen 127.0.0.1:@NGINX_PORT@;

        # nginx is the edge: the client address is the socket peer, whatever it sends.
        location = /_keyward {
            internal;
            include @PREFIX@/keyward-authz.conf;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_pass http://keyward/v1/authz;
        }
        location = /_keyward_orders {
            internal;
            include @PREFIX@/keyward-authz.conf;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_pass http://keyward/v1/authz?permission=orders:read;
        }
        # nginx behind a trusted load balancer (here: the test client on 127.0.0.1, which
        # keyward trusts): the balancer's X-Forwarded-For is kept and nginx appends its peer.
        location = /_keyward_chained {
            internal;
            include @PREFIX@/keyward-authz.conf;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_pass http://keyward/v1/authz;
        }

        location / {
            auth_request /_keyward;
            include @PREFIX@/keyward-identity.conf;
        }
        location /orders {
            auth_request /_keyward_orders;
            include @PREFIX@/keyward-identity.conf;
        }
        location /chained {
            auth_request /_keyward_chained;
            include @PREFIX@/keyward-identity.conf;
        }
    }
}
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unknown_token():
    """A well-formed token whose public id names no key."""
    public_id = "".join(secrets.choice(BASE62) for _ in range(12))
    secret = "".join(secrets.choice(BASE62) for _ in range(43))
    return make_token(public_id, secret)


class RecordingUpstream:
    """The application behind nginx: records every request (method, path, headers in order with
    duplicates, body length) and answers 200 with that record as JSON."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = {"method": self.command, "path": self.path,
                          "headers": [[k, v] for k, v in self.headers.items()],
                          "bodyLength": len(body)}
                with upstream.lock:
                    upstream.requests.append(record)
                payload = json.dumps(record).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self):
        with self.lock:
            return len(self.requests)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=NGINX_DEADLINE)


class Nginx:
    """One nginx process (single process, no daemon) whose every file lives in `prefix`."""

    def __init__(self, prefix, keyward_port, app_port):
        self.prefix = prefix
        self.keyward_port = keyward_port
        self.app_port = app_port
        self.proc = None
        self.port = None
        os.makedirs(prefix, exist_ok=True)
        self.stdio_path = os.path.join(prefix, "stdio.log")
        self.error_log = os.path.join(prefix, "error.log")

    def write_config(self):
        def fill(text):
            return (text.replace("@PREFIX@", self.prefix)
                    .replace("@KEYWARD_PORT@", str(self.keyward_port))
                    .replace("@APP_PORT@", str(self.app_port))
                    .replace("@NGINX_PORT@", str(self.port)))
        for name, text in (("keyward-authz.conf", AUTHZ_SNIPPET),
                           ("keyward-identity.conf", IDENTITY_SNIPPET),
                           ("nginx.conf", NGINX_CONF)):
            with open(os.path.join(self.prefix, name), "w", encoding="utf-8") as f:
                f.write(fill(text))

    def logs(self):
        text = ""
        for path in (self.stdio_path, self.error_log):
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    text += tail(f.read())
        return text

    def start(self):
        # The free port may be taken between the probe and nginx's bind: try a few.
        for _ in range(3):
            self.port = free_port()
            self.write_config()
            with open(self.stdio_path, "ab") as out:
                self.proc = subprocess.Popen(
                    [NGINX, "-p", self.prefix, "-c", os.path.join(self.prefix, "nginx.conf"),
                     "-e", self.error_log],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=out)
            if self.wait_listening():
                return self
        raise AssertionError("nginx did not start\n%s" % self.logs())

    def wait_listening(self):
        deadline = time.monotonic() + NGINX_DEADLINE
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1.0).close()
                return True
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError("nginx did not listen within %.0f s\n%s"
                             % (NGINX_DEADLINE, self.logs()))

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=NGINX_DEADLINE)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def request(self, method, path, token=None, headers=None, body=None):
        all_headers = {}
        if token is not None:
            all_headers["Authorization"] = "Bearer " + token
        all_headers.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            resp = conn.getresponse()
            return Response(resp.status, resp.reason, resp.headers, resp.read())
        finally:
            conn.close()


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
