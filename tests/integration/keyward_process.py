"""The `keyward` process the integration tests drive: a server on a free port of 127.0.0.1
(Server), the HTTP responses it gives (Response), a signed-in console session against it
(ConsoleSession), and one run of the CLI (run_keyward).

The binary is $KEYWARD_BIN (CTest sets it), else build/keyward. A server is stopped with SIGTERM
and must exit 0 within STOP_DEADLINE seconds (the graceful stop is behaviour under test).
harness.py re-exports all of it, with the test base class. Standard library only.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# Absolute: servers run in their test's work directory, so a relative $KEYWARD_BIN would not be
# found from there.
KEYWARD_BIN = os.path.abspath(os.environ.get("KEYWARD_BIN")
                              or os.path.join(REPO_ROOT, "build", "keyward"))

# Deadlines generous enough for a Debug build under AddressSanitizer on a busy machine. They only
# bound how long a broken server can hang a test; no test asserts anything about speed.
START_DEADLINE = 20.0
STOP_DEADLINE = 10.0
CLI_DEADLINE = 60.0
HTTP_TIMEOUT = 30.0

SESSION_COOKIE = "keyward_session"

EXPORT_LINE_RE = re.compile(r"^    export KEYWARD_API_KEY=(kw_\S+)$", re.MULTILINE)
LISTENING_RE = re.compile(r"^listening on 127\.0\.0\.1:(\d+)$", re.MULTILINE)


def _bootstrap_file(wanted, prefix, workdir):
    """Where a bootstrap secret goes: a fresh path in `workdir` (the server creates the file) when
    `wanted` is True, the path given, or None (printed on standard error instead)."""
    if wanted is True:
        fd, path = tempfile.mkstemp(prefix=prefix, dir=workdir)
        os.close(fd)
        os.unlink(path)  # the server creates it
        return path
    return wanted or None


def tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


class Response:
    """A complete HTTP response: status, headers (case-insensitive), raw body."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name)

    def set_cookies(self):
        """Every Set-Cookie header, parsed: {name: (value, {attribute (lower case): value})}.
        A flag attribute (HttpOnly) has the value True."""
        cookies = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            parts = [p.strip() for p in header.split(";")]
            name, _, value = parts[0].partition("=")
            attrs = {}
            for part in parts[1:]:
                if not part:
                    continue
                key, eq, val = part.partition("=")
                attrs[key.strip().lower()] = val.strip() if eq else True
            cookies[name.strip()] = (value.strip(), attrs)
        return cookies

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.text[:300])


class Server:
    """One `keyward serve` process on 127.0.0.1:<ephemeral port>.

    data_dir: an existing directory to reuse (restarts), else a fresh one under `workdir`.
    key_file: True to pass KEYWARD_BOOTSTRAP_KEY_FILE (a fresh path), a path to use that path,
    False/None to leave it unset (the secret then goes to stderr).
    password_file: the same for KEYWARD_BOOTSTRAP_PASSWORD_FILE, the one-time console password of
    `admin@localhost`; unset by default.
    database: a PostgreSQL URL to serve from (`--database`) instead of the embedded store in
    data_dir, with `pepper_file` (`--pepper-file`, required then). The data directory is then
    made but not passed: the server does not use it.
    """

    def __init__(self, workdir, data_dir=None, extra_args=(), key_file=True, env=None,
                 password_file=False, database=None, pepper_file=None):
        self.workdir = workdir
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="data-", dir=workdir)
        self.database = database
        self.pepper_file = pepper_file
        self.extra_args = list(extra_args)
        self.key_file = _bootstrap_file(key_file, "bootstrap-", workdir)
        self.password_file = _bootstrap_file(password_file, "bootstrap-password-", workdir)
        self.extra_env = dict(env or {})
        self.proc = None
        self.port = None
        self.exit_code = None
        base = tempfile.mktemp(prefix="serve-", dir=workdir)
        self.stdout_path = base + ".stdout"
        self.stderr_path = base + ".stderr"

    # --- process ---

    def command(self):
        if self.database:
            return [KEYWARD_BIN, "serve", "--listen", "127.0.0.1:0", "--database", self.database,
                    "--pepper-file", self.pepper_file]
        return [KEYWARD_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir]

    def start(self):
        env = dict(os.environ)
        env.pop("KEYWARD_BOOTSTRAP_KEY_FILE", None)
        env.pop("KEYWARD_BOOTSTRAP_PASSWORD_FILE", None)
        if self.key_file:
            env["KEYWARD_BOOTSTRAP_KEY_FILE"] = self.key_file
        if self.password_file:
            env["KEYWARD_BOOTSTRAP_PASSWORD_FILE"] = self.password_file
        env.update(self.extra_env)
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.command() + self.extra_args, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, env=env, cwd=self.workdir)
        deadline = time.monotonic() + START_DEADLINE
        while True:
            match = LISTENING_RE.search(self.stdout())
            if match:
                self.port = int(match.group(1))
                return self
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                raise AssertionError("keyward serve exited with %d before listening\nstderr:\n%s"
                                     % (self.exit_code, tail(self.stderr())))
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("keyward serve printed no 'listening on 127.0.0.1:PORT' in "
                                     "%.0f s\nstdout:\n%s\nstderr:\n%s"
                                     % (START_DEADLINE, self.stdout(), tail(self.stderr())))
            time.sleep(0.05)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM; asserts a clean exit (code 0) within STOP_DEADLINE. Idempotent."""
        if self.proc is None or self.exit_code is not None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_DEADLINE)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError("keyward serve did not exit within %.0f s of SIGTERM\n"
                                     "stderr:\n%s" % (STOP_DEADLINE, tail(self.stderr())))
        self.exit_code = self.proc.returncode
        if self.exit_code != 0:
            raise AssertionError("keyward serve exited with %d after SIGTERM (expected 0)\n"
                                 "stderr:\n%s" % (self.exit_code, tail(self.stderr())))

    def kill(self):
        """SIGKILL (no graceful stop) and wait until the process is gone. Idempotent."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            self.exit_code = self.proc.returncode

    @property
    def db_path(self):
        """The embedded store's file, DATA_DIR/keyward.db (docs/api.md "Command line")."""
        return os.path.join(self.data_dir, "keyward.db")

    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")

    def log_records(self):
        """The JSON lines of stderr, parsed (other lines are skipped)."""
        records = []
        for line in self.stderr().splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    pass
        return records

    # --- bootstrap key ---

    def bootstrap_key(self):
        """The first-start Master Administrator token: from the key file, else from stderr."""
        if self.key_file:
            with open(self.key_file, encoding="utf-8") as f:
                return f.read().strip()
        match = EXPORT_LINE_RE.search(self.stderr())
        if not match:
            raise AssertionError("no '    export KEYWARD_API_KEY=kw_...' line on stderr:\n%s"
                                 % tail(self.stderr()))
        return match.group(1)

    def bootstrap_password(self):
        """The first-start one-time password of admin@localhost, from the password file."""
        if not self.password_file:
            raise AssertionError("the server was started without a bootstrap password file")
        with open(self.password_file, encoding="utf-8") as f:
            return f.read().strip()

    # --- HTTP ---

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        """One request on a fresh connection. `body` is sent as JSON; `raw` (bytes/str) as is."""
        all_headers = {}
        if token is not None:
            all_headers["Authorization"] = "Bearer " + token
        data = None
        if raw is not None:
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
            all_headers["Content-Type"] = "application/json"
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            conn.request(method, path, body=data, headers=all_headers)
            resp = conn.getresponse()
            payload = resp.read()
            return Response(resp.status, resp.reason, resp.headers, payload)
        finally:
            conn.close()

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token=token, **kw)

    def post(self, path, body=None, token=None, **kw):
        return self.request("POST", path, body=body, token=token, **kw)

    def patch(self, path, body=None, token=None, **kw):
        return self.request("PATCH", path, body=body, token=token, **kw)

    def delete(self, path, token=None, **kw):
        return self.request("DELETE", path, token=token, **kw)

    def connect(self):
        """A raw TCP connection to the server, for transport tests."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=HTTP_TIMEOUT)
        return sock

    # --- console sessions ---

    def sign_in(self, email, password, **kw):
        """POST /v1/session {email, password}; returns (response, ConsoleSession or None). The
        session is None unless the answer is 201 with a `keyward_session` cookie."""
        resp = self.post("/v1/session", {"email": email, "password": password}, **kw)
        session = None
        cookie = resp.set_cookies().get(SESSION_COOKIE)
        if resp.status == 201 and cookie:
            session = ConsoleSession(self, cookie[0], resp.json().get("csrfToken"))
        return resp, session


class ConsoleSession:
    """A signed-in console session: sends the `keyward_session` cookie with every request and,
    on a state-changing method, `X-CSRF-Token` (unless told otherwise)."""

    SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

    def __init__(self, server, cookie, csrf_token):
        self.server = server
        self.cookie = cookie
        self.csrf_token = csrf_token

    def request(self, method, path, body=None, csrf=True, token=None, headers=None, raw=None):
        """csrf: True to send the session's CSRF token on state-changing methods, False to send
        none, a string to send that string instead (on any method)."""
        all_headers = {"Cookie": "%s=%s" % (SESSION_COOKIE, self.cookie)}
        if isinstance(csrf, str):
            all_headers["X-CSRF-Token"] = csrf
        elif csrf and method not in self.SAFE_METHODS:
            all_headers["X-CSRF-Token"] = self.csrf_token
        all_headers.update(headers or {})
        return self.server.request(method, path, body=body, token=token, headers=all_headers,
                                   raw=raw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def alive(self):
        """Whether GET /v1/session still answers 200 to this cookie."""
        return self.get("/v1/session").status == 200


def run_keyward(args, env=None, workdir=None, input_text=None):
    """Runs the keyward binary with `args`; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    for name in ("KEYWARD_URL", "KEYWARD_API_KEY", "KEYWARD_BOOTSTRAP_KEY_FILE",
                 "KEYWARD_PEPPER_FILE", "KEYWARD_DATA_DIR", "KEYWARD_INSECURE"):
        full_env.pop(name, None)
    full_env.update(env or {})
    return subprocess.run([KEYWARD_BIN] + list(args), env=full_env, cwd=workdir,
                          input=input_text, capture_output=True, text=True,
                          timeout=CLI_DEADLINE)
