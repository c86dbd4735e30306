"""Harness for Keyward's integration tests: starts the real `keyward` binary on a free port of
127.0.0.1 and drives it over HTTP (with an API key or a console session cookie) and through its
CLI.

The process itself (Server, Response, ConsoleSession, run_keyward and their constants) is in
keyward_process.py, re-exported here; this module adds the token helpers, raw HTTP reading and
the test base class, KeywardTestCase. Every server a test starts is stopped with SIGTERM when the
test ends, and must exit 0 within STOP_DEADLINE seconds (the graceful stop is behaviour under
test). Temporary directories are removed even on failure. Standard library only.
"""

import base64
import json
import os
import re
import stat
import tempfile
import unittest
import zlib

from keyward_process import (  # noqa: F401 (re-exported for the test modules)
    CLI_DEADLINE, EXPORT_LINE_RE, HTTP_TIMEOUT, KEYWARD_BIN, LISTENING_RE, REPO_ROOT,
    SESSION_COOKIE, START_DEADLINE, STOP_DEADLINE, ConsoleSession, Response, Server, run_keyward,
    tail)

# The native key API (docs/api.md "API keys").
KEYS_PATH = "/v1/apikeys"
BOOTSTRAP_EMAIL = "admin@localhost"

TOKEN_RE = re.compile(r"^kw_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$")
# Any token-shaped text, to search logs and outputs for secrets.
TOKEN_ANYWHERE_RE = re.compile(r"kw_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}")
# Hiragana, katakana, CJK ideographs: enough to tell a Japanese message from an English one.
JAPANESE_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def token_checksum(text):
    """docs/api.md "Token format": 6 base62 digits of the CRC32 of everything before them."""
    value = zlib.crc32(text.encode("ascii")) & 0xFFFFFFFF
    digits = []
    for _ in range(6):
        digits.append(BASE62[value % 62])
        value //= 62
    return "".join(reversed(digits))


def make_token(public_id, secret):
    """A well-formed token (right shape, right checksum) for `public_id` and a 43-char secret."""
    body = "kw_%s_%s" % (public_id, secret)
    return body + token_checksum(body)


def wrong_secret_token(token):
    """A well-formed token with `token`'s public id and a different secret: it passes the shape
    and checksum checks, so the server must look it up and compare secrets."""
    public_id = token[3:15]
    secret = token[16:59]
    other = ("A" if secret[0] != "A" else "B") + secret[1:]
    return make_token(public_id, other)


def write_pepper_file(directory, name="pepper"):
    """A pepper file (docs/api.md: lines '<version> <base64 of >= 32 bytes>', mode 0600) with one
    version of 32 random bytes, in `directory`; returns (path, the base64 text) so that a test
    can check the pepper is never printed."""
    path = os.path.join(directory, name)
    encoded = base64.b64encode(os.urandom(32)).decode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write("1 %s\n" % encoded)
    return path, encoded


def read_http_response(sock):
    """Reads from `sock` until the peer closes or a full response head arrives; returns bytes
    read (b"" when the peer closed without answering)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode("latin-1")
            m = re.search(r"(?im)^content-length:\s*(\d+)", head)
            length = int(m.group(1)) if m else 0
            if len(data) >= head_end + 4 + length:
                return data


def status_of(raw):
    """The status code of a raw HTTP response, or None when there is none."""
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None


class KeywardTestCase(unittest.TestCase):
    """Base class: a temporary work directory per test and servers that are always stopped."""

    def setUp(self):
        if not os.access(KEYWARD_BIN, os.X_OK):
            self.fail("keyward binary not found at %s (set KEYWARD_BIN)" % KEYWARD_BIN)
        self._tmp = tempfile.TemporaryDirectory(prefix="keyward-it-")
        self.addCleanup(self._tmp.cleanup)
        self.workdir = self._tmp.name

    def start_server(self, server_class=None, **kwargs):
        """Starts a server; it is stopped (and its clean exit asserted) when the test ends.
        `server_class` is Server or a subclass of it (one that records its exchanges, say)."""
        server = (server_class or Server)(self.workdir, **kwargs)
        self.addCleanup(server.kill)  # runs last: never leave a process behind
        self.addCleanup(server.stop)
        server.start()
        return server

    # --- API helpers ---

    def create_key(self, server, token, name, role="Auditor", expect=201, **fields):
        body = {"name": name, "role": role}
        body.update(fields)
        resp = server.post("/v1/apikeys", body, token=token)
        self.assertEqual(resp.status, expect, resp)
        return resp.json()

    def create_role(self, server, token, name, permissions, expect=201, **fields):
        body = {"name": name, "permissions": list(permissions)}
        body.update(fields)
        resp = server.post("/v1/roles", body, token=token)
        self.assertEqual(resp.status, expect, resp)
        return resp.json()

    def create_account(self, server, token, email, role="Auditor", access_level="console_and_api",
                       expect=201, **fields):
        body = {"email": email, "role": role, "accessLevel": access_level}
        body.update(fields)
        resp = server.post("/v1/accounts", body, token=token)
        self.assertEqual(resp.status, expect, resp)
        return resp.json()

    def get_account(self, server, token, account_id):
        resp = server.get("/v1/accounts/" + account_id, token=token)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    def find_account(self, server, token, email):
        """The account whose email is `email` (exactly), from GET /v1/accounts."""
        resp = server.get("/v1/accounts?limit=500", token=token)
        self.assertEqual(resp.status, 200, resp)
        for account in resp.json()["items"]:
            if account["email"] == email:
                return account
        self.fail("no account %s in GET /v1/accounts: %s" % (email, resp.text[:500]))

    def set_one_time_password(self, server, token, account_id):
        """POST /v1/accounts/{id}/password; returns the one-time password."""
        resp = server.post("/v1/accounts/%s/password" % account_id, {}, token=token)
        self.assertEqual(resp.status, 200, resp)
        password = resp.json()["oneTimePassword"]
        self.assertIsInstance(password, str)
        return password

    def sign_in_ok(self, server, email, password):
        """Signs in, asserting 201 and a session cookie; returns the ConsoleSession."""
        resp, session = server.sign_in(email, password)
        self.assertEqual(resp.status, 201, resp)
        self.assertIsNotNone(session, "no %s cookie in %r" % (SESSION_COOKIE, resp.headers))
        return session

    def restart_server(self, server):
        """Starts a server on `server`'s data directory (and pepper), `server` being stopped or
        killed first; stopped like any other when the test ends."""
        self.assertFalse(server.running(), "restart of a server that still runs")
        return self.start_server(data_dir=server.data_dir, extra_args=server.extra_args,
                                 key_file=False, env=server.extra_env, database=server.database,
                                 pepper_file=server.pepper_file)

    def list_all(self, server, token, path):
        """Every item of a paged list (docs/api.md "Lists"), newest first."""
        items, cursor = [], None
        sep = "&" if "?" in path else "?"
        for _ in range(1000):
            page_path = path + sep + "limit=500" + ("&cursor=" + cursor if cursor else "")
            resp = server.get(page_path, token=token)
            self.assertEqual(resp.status, 200, resp)
            page = resp.json()
            items.extend(page["items"])
            cursor = page["nextCursor"]
            if cursor is None:
                return items
        self.fail("the cursor of %s never ended" % path)

    def audit_export(self, server, token):
        """The whole audit trail from GET /v1/audit/export (JSON lines), oldest first."""
        resp = server.get("/v1/audit/export?format=jsonl", token=token)
        self.assertEqual(resp.status, 200, resp)
        return [json.loads(line) for line in resp.text.splitlines() if line.strip()]

    def audit_events(self, server, token, **filters):
        """Every audit event matching the filters (action=..., target=...), newest first."""
        query = "&".join("%s=%s" % item for item in sorted(filters.items()))
        # This class's list_all, not a test module's own of the same name.
        return KeywardTestCase.list_all(self, server, token,
                                        "/v1/audit" + ("?" + query if query else ""))

    def assert_error(self, resp, status, code, field=None, message=None):
        """Asserts `resp` is `status` with the error body of docs/api.md and returns the error."""
        self.assertEqual(resp.status, status, resp)
        self.assertTrue((resp.header("Content-Type") or "").startswith("application/json"), resp)
        body = resp.json()
        self.assertEqual(set(body.keys()), {"error"}, body)
        error = body["error"]
        self.assertTrue({"code", "message"} <= set(error.keys()), body)
        self.assertTrue(set(error.keys()) <= {"code", "message", "field"}, body)
        self.assertEqual(error["code"], code, body)
        self.assertIsInstance(error["message"], str)
        self.assertTrue(error["message"], body)
        if field is not None:
            self.assertEqual(error.get("field"), field, body)
        if message is not None:
            self.assertEqual(error["message"], message, body)
        return error

    def assert_unauthenticated(self, resp):
        self.assert_error(resp, 401, "unauthenticated", message="invalid or missing API key")
        self.assertIsNotNone(resp.header("WWW-Authenticate"), resp)
        self.assertTrue(resp.header("WWW-Authenticate").lower().startswith("bearer"), resp)

    def assert_mode_0600(self, path):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        self.assertEqual(mode, 0o600, "%s has mode %o, expected 600" % (path, mode))
