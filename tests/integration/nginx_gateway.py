"""The nginx side of test_gateway: the `auth_request` recipe of docs/gateways.md as an nginx
configuration, an nginx process (/usr/sbin/nginx) in front of keyward and of a small recording
upstream (a thread that answers 200 with the headers it received as JSON), and free ports for
them. Standard library only."""

import http.client
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time

from harness import HTTP_TIMEOUT, Response, tail

NGINX = "/usr/sbin/nginx"

# Bounds how long a broken nginx can hang a test; nothing asserts speed.
NGINX_DEADLINE = 20.0

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
