"""Secret hygiene on the real binary (docs/security.md "Secrets"): one server with the access log
on and every SIEM destination (syslog over UDP and TCP, a Splunk HTTP Event Collector) issues
many secrets through every surface (native API keys, rotations with and without a grace period,
the Deep Security and Vision One dialects, account tokens, one-time passwords, passwords chosen at
sign-in, Deep Security administrators' passwords, console and Ansible sessions), then every error
path a client can reach with a secret in hand is forced. Every secret and password ever shown or
chosen is then searched for (the whole token, and its secret part alone; a password verbatim), and
the pepper too (its base64 text and its raw bytes), in:

- the server's standard output and error (JSON log lines, access log included);
- every audit event (GET /v1/audit, and the export in every format);
- every API response after the one that showed the secret (status line, headers and body);
- every SIEM delivery (syslog over UDP and TCP, the collector's events);
- /metrics;
- the raw bytes of every file of the data directory (the database, its -wal, -shm and -journal),
  read while the server runs and again after it stops, except the pepper file.

Nothing may be found. (What this found: a token typed into a name, a description, an address, a
permission or a member name was kept, answered, audited and forwarded, and echoed by error
messages, in query values too; request bodies holding one are now refused, naming the field, and
messages write "(omitted)" for it: docs/api.md "Conventions".) The test is one scenario (the places are searched once the secrets exist)
with a subTest per place, so that a failure names the place and the secret's label, never the
secret itself."""

import base64
import binascii
import json
import os
import socket
import unittest
import urllib.parse

from accounts_common import ADMIN_PASSWORD, utc_in
from harness import (BOOTSTRAP_EMAIL, SESSION_COOKIE, KeywardTestCase, Response, Server,
                     read_http_response, status_of, wrong_secret_token)
from test_siem import Collector, TcpReceiver, UdpReceiver, wait_for

# Files of the data directory that hold a secret by design, and so are not searched: the pepper
# (`--pepper-file` defaults to DIR/pepper; docs/configuration.md), whose whole point is to be the
# one secret the server keeps. The bootstrap key and password files are written where
# KEYWARD_BOOTSTRAP_KEY_FILE and KEYWARD_BOOTSTRAP_PASSWORD_FILE say, which the harness puts in the
# test's work directory, outside the data directory: they hold one secret each, by design, and are
# not searched either (nor is the HEC token's file, which the test writes itself).
DESIGNED_SECRET_FILES = {"pepper"}

DS_HEADERS = {"api-version": "v1", "Content-Type": "application/json",
              "Accept": "application/json"}
VO_BASE = "/v3.0/iam/apiKeys"
LOGIN = "/rest/authentication/login/primary"
LOGOUT = "/rest/authentication/logout"
HEC_TOKEN = "hec-token-0123456789-hygiene"
# Client addresses (through the trusted proxy 127.0.0.1) spread the failures of the error paths
# over many addresses, so that the failure throttle answers only where the test wants it to.
THROTTLED_ADDRESS = "203.0.113.99"
BODY_LIMIT = 64 * 1024


class RecordingServer(Server):
    """A Server that keeps every exchange (request label, response) in order, and sends each
    request from a fresh client address (X-Forwarded-For) unless the caller names one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.exchanges = []
        self._address = 0

    def next_address(self):
        self._address += 1
        return "198.51.100.%d" % (self._address % 250 + 1)

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        all_headers = {"X-Forwarded-For": self.next_address()}
        all_headers.update(headers or {})
        resp = super().request(method, path, body=body, token=token, headers=all_headers,
                               raw=raw)
        self.exchanges.append(("%s %s" % (method, path[:60]), resp))
        return resp

    def record_raw(self, label, raw):
        """Keeps a response read off a raw socket (kept whole: head and body)."""
        self.exchanges.append((label, Response(status_of(raw) or 0, "", {}, raw)))


def response_bytes(resp):
    """Everything a client saw of a response: status, every header, the body."""
    head = "%d %s\n" % (resp.status, resp.reason)
    if hasattr(resp.headers, "items"):
        head += "".join("%s: %s\n" % item for item in resp.headers.items())
    return head.encode("utf-8", errors="replace") + b"\n" + resp.body


class Secret:
    """One secret: a label to name it in failures, the forms searched for, and the number of
    exchanges recorded when it was shown (responses from that one on must not hold it)."""

    def __init__(self, label, text, shown_at, token=False, in_responses=True):
        self.label = label
        self.text = text
        self.shown_at = shown_at
        self.in_responses = in_responses
        self.forms = [text.encode("utf-8")]
        if token:
            self.forms.append(text[16:].encode("ascii"))  # secret and checksum
            self.forms.append(text[16:59].encode("ascii"))  # the secret part alone

    def found_in(self, data):
        return any(form in data for form in self.forms)


class SecretHygiene(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.udp = UdpReceiver()
        self.addCleanup(self.udp.close)
        self.tcp = TcpReceiver()
        self.addCleanup(self.tcp.close)
        self.collector = Collector()
        self.addCleanup(self.collector.close)
        hec_token_file = os.path.join(self.workdir, "hec-token")
        with open(hec_token_file, "w", encoding="utf-8") as f:
            f.write(HEC_TOKEN + "\n")
        self.server = self.start_server(
            server_class=RecordingServer, password_file=True,
            extra_args=["--access-log", "--trusted-proxy", "127.0.0.1/32",
                        "--allow-private-ips",
                        "--syslog", "udp://127.0.0.1:%d" % self.udp.port,
                        "--syslog", "tcp://127.0.0.1:%d" % self.tcp.port,
                        "--hec-url", "http://127.0.0.1:%d" % self.collector.server_address[1],
                        "--hec-token-file", hec_token_file])
        self.secrets = []
        self.admin = self.keep("bootstrap key", self.server.bootstrap_key(), token=True,
                               shown_at=0)
        self.admin_otp = self.keep("bootstrap password", self.server.bootstrap_password(),
                                   shown_at=0)
        self.keep("HEC token", HEC_TOKEN, shown_at=0)

    # --- bookkeeping ---

    def keep(self, label, text, token=False, shown_at=None, in_responses=True):
        """Records a secret; shown_at defaults to the last exchange (the one that showed it)."""
        if shown_at is None:
            shown_at = len(self.server.exchanges)
        self.assertTrue(text, label)
        self.secrets.append(Secret(label, text, shown_at, token=token,
                                   in_responses=in_responses))
        return text

    def chosen(self, label, password):
        """A password the client chooses: no response may ever hold it, from the one that took
        it on."""
        return self.keep(label, password, shown_at=len(self.server.exchanges))

    def ok(self, resp, status=200):
        self.assertEqual(resp.status, status, resp)
        return resp

    def ds(self, method, path, secret=None, body=None, headers=None, raw=None):
        all_headers = dict(DS_HEADERS)
        if secret is not None:
            all_headers["api-secret-key"] = secret
        all_headers.update(headers or {})
        if body is None and raw is None:
            raw = "{}" if method in ("GET", "DELETE") else ""
        return self.server.request(method, path, body=body, raw=raw, headers=all_headers)

    def vo(self, method, path, token, body=None, headers=None):
        all_headers = {"Authorization": "Bearer " + token,
                       "Content-Type": "application/json;charset=utf-8"}
        all_headers.update(headers or {})
        raw = None if body is None else json.dumps(body)
        return self.server.request(method, path, raw=raw, headers=all_headers)

    def raw_exchange(self, label, data):
        sock = self.server.connect()
        try:
            try:
                sock.sendall(data)
            except OSError:  # the server may answer and close before it has read it all
                pass
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            raw = read_http_response(sock)
        finally:
            sock.close()
        self.server.record_raw(label, raw)
        return raw

    # --- issuing secrets ---

    def issue_native_keys(self):
        keys = {}
        for i, role in enumerate(["Auditor", "Full Access", "Master Administrator", "Auditor",
                                  "Full Access", "Auditor"]):
            key = self.create_key(self.server, self.admin, "native-%d" % i, role=role,
                                  description="made for the hygiene test")
            self.keep("native key %d" % i, key["secret"], token=True)
            keys[i] = key
        fenced = self.create_key(self.server, self.admin, "fenced", role="Full Access",
                                 allowedIps=["192.0.2.0/24"])
        self.keep("fenced key", fenced["secret"], token=True)
        expiring = self.create_key(self.server, self.admin, "expiring", role="Auditor",
                                   expiresAt=utc_in(6))
        self.keep("expiring key", expiring["secret"], token=True)

        # Rotations: without a grace period, with one, again during it, and by the key itself.
        resp = self.ok(self.server.post("/v1/apikeys/%s/rotate" % keys[0]["id"], {},
                                        token=self.admin))
        self.keep("native key 0 rotated", resp.json()["secret"], token=True)
        resp = self.ok(self.server.post("/v1/apikeys/%s/rotate" % keys[1]["id"],
                                        {"gracePeriodSeconds": 600}, token=self.admin))
        graced = self.keep("native key 1 rotated with grace", resp.json()["secret"], token=True)
        resp = self.ok(self.server.post("/v1/apikeys/%s/rotate" % keys[1]["id"],
                                        {"gracePeriodSeconds": 60}, token=keys[1]["secret"]))
        self.keep("native key 1 rotated again in its grace", resp.json()["secret"], token=True)
        # The key that was current until then still works during its grace period.
        self.ok(self.server.get("/v1/apikeys/current", token=graced))
        resp = self.ok(self.server.post("/v1/apikeys/%s/rotate" % keys[4]["id"], {},
                                        token=keys[4]["secret"]))
        keys[4]["secret"] = self.keep("native key 4 rotated by itself", resp.json()["secret"],
                                      token=True)

        # Disabled, locked by hand, deleted.
        self.ok(self.server.post("/v1/apikeys/%s/disable" % keys[3]["id"], token=self.admin))
        self.ok(self.server.post("/v1/apikeys/%s/lock" % keys[5]["id"], token=self.admin))
        self.ok(self.server.delete("/v1/apikeys/%s" % keys[2]["id"], token=self.admin), 204)
        return keys, fenced, expiring

    def issue_dialect_keys(self):
        made = []
        for i in range(3):
            resp = self.ok(self.ds("POST", "/api/apikeys", self.admin,
                                   body={"keyName": "ds-%d" % i, "roleID": "1"}))
            made.append(resp.json())
            self.keep("DS key %d" % i, resp.json()["secretKey"], token=True)
        resp = self.ok(self.ds("POST", "/api/apikeys/%d/secretkey" % made[0]["ID"], self.admin))
        self.keep("DS key 0 reset", resp.json()["secretKey"], token=True)
        resp = self.ok(self.ds("POST", "/api/apikeys/current/secretkey", made[1]["secretKey"]))
        ds_current = self.keep("DS key 1 reset by itself", resp.json()["secretKey"], token=True)
        self.ok(self.ds("POST", "/api/apikeys/%d" % made[2]["ID"], self.admin,
                        body={"active": False}))

        items = [{"name": "vo-%d" % i, "role": "Full Access", "monthsToExpiration": 1}
                 for i in range(3)]
        resp = self.vo("POST", VO_BASE, self.admin, body=items)
        self.assertEqual(resp.status, 207, resp)
        values = []
        for i, result in enumerate(resp.json()):
            self.assertEqual(result["status"], 201, result)
            values.append(self.keep("VO key %d" % i, result["body"]["value"], token=True))
        self.ok(self.vo("GET", VO_BASE, values[0]))
        return ds_current, values

    def issue_accounts(self):
        """Accounts with tokens (api_only), with one-time passwords and chosen ones, console and
        Ansible sessions; returns what the error paths need."""
        # admin@localhost's bootstrap one-time password, then its own.
        resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        self.assertEqual(resp.status, 201, resp)
        self.keep("admin session cookie", session.cookie)
        self.keep("admin CSRF token", session.csrf_token, in_responses=False)
        self.chosen("admin password", ADMIN_PASSWORD)
        self.ok(session.post("/v1/session/password", {"currentPassword": self.admin_otp,
                                                      "newPassword": ADMIN_PASSWORD}), 204)

        robots = []
        for i in range(3):
            account = self.create_account(self.server, self.admin, "robot%d@example.com" % i,
                                          role="Full Access", access_level="api_only")
            resp = self.ok(self.server.post("/v1/accounts/%s/token" % account["id"], {},
                                            token=self.admin), 201)
            robots.append((account, self.keep("robot %d token" % i, resp.json()["secret"],
                                              token=True)))
        # A token deleted and made again.
        self.ok(self.server.delete("/v1/accounts/%s/token" % robots[2][0]["id"],
                                   token=self.admin), 204)
        resp = self.ok(self.server.post("/v1/accounts/%s/token" % robots[2][0]["id"],
                                        {"expiresAt": utc_in(3600)}, token=self.admin), 201)
        robots[2] = (robots[2][0], self.keep("robot 2 second token", resp.json()["secret"],
                                             token=True))
        # A disabled account's token is suspended.
        self.ok(self.server.post("/v1/accounts/%s/disable" % robots[1][0]["id"],
                                 token=self.admin))

        people = []
        for i in range(3):
            account = self.create_account(self.server, self.admin, "person%d@example.com" % i,
                                          role="Full Access")
            otp = self.keep("person %d one-time password" % i,
                            self.set_one_time_password(self.server, self.admin, account["id"]))
            resp, session = self.server.sign_in(account["email"], otp)
            self.assertEqual(resp.status, 201, resp)
            self.keep("person %d session cookie" % i, session.cookie)
            self.keep("person %d CSRF token" % i, session.csrf_token, in_responses=False)
            password = self.chosen("person %d password" % i, "person %d passphrase x7Q" % i)
            self.ok(session.post("/v1/session/password", {"currentPassword": otp,
                                                          "newPassword": password}), 204)
            people.append((account, password, session))
        # A password reset (a new one-time password), then a second change.
        account = people[0][0]
        otp = self.keep("person 0 reset one-time password",
                        self.set_one_time_password(self.server, self.admin, account["id"]))
        resp, session = self.server.sign_in(account["email"], otp)
        self.assertEqual(resp.status, 201, resp)
        self.keep("person 0 second session cookie", session.cookie)
        self.keep("person 0 second CSRF token", session.csrf_token, in_responses=False)
        password = self.chosen("person 0 second password", "person 0 second passphrase z9")
        self.ok(session.post("/v1/session/password", {"currentPassword": otp,
                                                      "newPassword": password}), 204)
        people[0] = (account, password, session)

        # A Deep Security administrator with a password, and the Ansible session.
        ds_password = self.chosen("DS administrator password", "ds admin passphrase 0042")
        resp = self.ok(self.ds("POST", "/api/administrators", self.admin, body={
            "username": "ops@example.com", "roleID": 1, "password": ds_password}))
        resp, session = self.server.sign_in("ops@example.com", ds_password)
        self.assertEqual(resp.status, 201, resp)
        ops_password = self.chosen("ops password", "ops chosen passphrase 77")
        self.ok(session.post("/v1/session/password", {"currentPassword": ds_password,
                                                      "newPassword": ops_password}), 204)
        resp = self.ok(self.server.request("POST", LOGIN, body={"dsCredentials": {
            "userName": "ops@example.com", "password": ops_password}}))
        sid = self.keep("Ansible sID", resp.text)
        self.ok(self.server.request("GET", "/api/apikeys", raw="{}", headers={
            "Cookie": "sID=" + sid, "Content-Type": "application/json"}))
        return robots, people, sid

    # --- error paths with a secret in hand ---

    def force_errors(self, keys, fenced, expiring, robots, people, sid):
        admin = self.admin
        rotated_away = keys[0]["secret"]  # rotated without a grace period: dead at once
        current = "/v1/apikeys/current"

        def refused(resp):
            """Not served: a credential error, a refusal, or the throttle."""
            self.assertIn(resp.status, (400, 401, 403, 429), resp)

        # The expiring key expires.
        self.assertTrue(wait_for(lambda: self.server.get(
            "/v1/apikeys/" + expiring["id"], token=admin).json()["status"] == "expired"))

        tokens = [s.text for s in self.secrets if len(s.forms) == 3]
        for token in tokens:
            # Wrong secrets, on every surface (each counts towards its key's lockout, so the
            # bootstrap key, which the test goes on using, gets only one).
            wrong = wrong_secret_token(token)
            refused(self.server.get(current, token=wrong))
            if token != admin:
                refused(self.ds("GET", "/api/apikeys/current", wrong))
                refused(self.vo("GET", VO_BASE, wrong))
                refused(self.server.get("/v1/authz/orders",
                                                headers={"X-API-Key": wrong}))
                self.server.post("/v1/keys/verify", {"key": wrong}, token=admin)
            # The real token through every way it is taken, and ways it is not.
            self.server.get(current, token=token)
            self.server.get("/v1/authz/orders?permission=orders:read",
                            headers={"Authorization": "Bearer " + token})
            refused(self.server.get(current, headers={"Authorization": "Basic " +
                                                              base64.b64encode(
                                                                  token.encode()).decode()}))
            refused(self.server.get(current, headers={"Authorization": token}))
            refused(self.server.get(current, headers={"X-API-Key": token}))
            refused(self.server.get(current, token=token[:-1]))  # malformed
            refused(self.server.get(current, token=token + "x"))
            refused(self.server.get(current, token=token[16:]))  # the secret alone
            refused(self.server.get(current, token=token,
                                            headers={"api-secret-key": admin}
                                            if token != admin else {"api-secret-key": tokens[1]}))
            # In a query string and a path.
            self.assertEqual(self.server.get("/v1/apikeys?api_key=" + token).status, 400)
            self.assertEqual(self.server.get("/v1/apikeys?q=" + token, token=admin).status, 400)
            self.server.get("/v1/authz/x?x=" + token.replace("kw_", "%6Bw_"))
            self.server.get("/v1/apikeys/" + token, token=admin)
            self.server.get("/v1/apikeys/" + token[16:], token=admin)
            # Verified on a client's behalf.
            self.server.post("/v1/keys/verify", {"key": token, "ip": "192.0.2.7"}, token=admin)

        # Disabled, expired, locked, deleted, suspended and fenced keys, and a rotated-away secret.
        for token in (keys[3]["secret"], keys[5]["secret"], keys[2]["secret"],
                      expiring["secret"], rotated_away, robots[1][1]):
            refused(self.server.get(current, token=token))
            refused(self.ds("GET", "/api/apikeys/current", token))
            self.server.post("/v1/keys/verify", {"key": token}, token=admin)
        self.assertEqual(self.server.get(current, token=fenced["secret"]).status, 403)

        # Secrets where a name, a role, an email, a permission or an address is expected.
        token = keys[1]["secret"]
        secret = token[16:59]
        for value in (token, "pasted " + token, secret, "kw_" + secret):
            self.server.post("/v1/apikeys", {"name": value, "role": "Auditor"}, token=admin)
            self.server.post("/v1/apikeys", {"name": "n", "description": value,
                                             "role": "Auditor"}, token=admin)
            self.server.post("/v1/apikeys", {"name": "n", "role": value}, token=admin)
            self.server.post("/v1/apikeys", {"name": "n", "role": "Auditor",
                                             "allowedIps": [value]}, token=admin)
            self.server.post("/v1/apikeys", {value: "n", "role": "Auditor"}, token=admin)
            self.server.patch("/v1/apikeys/" + keys[0]["id"], {"name": value}, token=admin)
            self.server.post("/v1/apikeys/%s/rotate" % keys[0]["id"],
                             {"gracePeriodSeconds": value}, token=admin)
            self.server.post("/v1/apikeys/delete", {"ids": [value]}, token=admin)
            self.server.post("/v1/roles", {"name": value, "permissions": ["audit:view"]},
                             token=admin)
            self.server.post("/v1/roles", {"name": "r", "permissions": [value]}, token=admin)
            self.server.post("/v1/accounts", {"email": value + "@example.com",
                                              "role": "Auditor", "accessLevel": "api_only"},
                             token=admin)
            self.server.post("/v1/accounts", {"email": "g@example.com", "givenName": value,
                                              "role": "Auditor", "accessLevel": "api_only"},
                             token=admin)
            self.server.post("/v1/keys/verify", {"key": admin, "permissions": [value],
                                                 "ip": value}, token=admin)
            self.ds("POST", "/api/apikeys", admin, body={"keyName": value, "roleID": "2"})
            self.ds("POST", "/api/apikeys", admin, body={"keyName": "d", "roleID": value})
            self.ds("POST", "/api/apikeys/search", admin, body={"searchCriteria": [{
                "fieldName": "keyName", "stringTest": "equal", "stringValue": value}]})
            self.vo("POST", VO_BASE, admin, body=[{"name": value, "role": "Auditor",
                                                   "monthsToExpiration": 1}])
            self.vo("GET", VO_BASE, admin, headers={"TMV1-Filter": "name eq '%s'" % value})
            self.vo("GET", VO_BASE, admin, headers={"TMV1-Filter": "name eq '%s' x" % value})
            self.vo("GET", VO_BASE, admin, headers={"TMV1-Filter": value})
            # Query values that error messages name (a token's "kw_" is refused before).
            for query in ("/v1/audit?actor=", "/v1/audit?since=", "/v1/apikeys?role=",
                          "/v1/apikeys?status=", "/v1/apikeys?expiresBefore="):
                self.server.get(query + urllib.parse.quote(value), token=admin)
        # Refused naming the field, never echoing the value, on every surface.
        self.assert_error(self.server.post("/v1/apikeys", {"name": token, "role": "Auditor"},
                                           token=admin), 400, "invalid_argument", field="name")
        self.assert_error(self.server.post("/v1/accounts", {
            "email": "a@example.com", "role": "Auditor", "accessLevel": "api_only",
            "description": "pasted " + secret}, token=admin),
            400, "invalid_argument", field="description")
        self.assert_error(self.server.post("/v1/roles", {"name": "r", "permissions": [
            "audit:view", token]}, token=admin), 400, "invalid_argument", field="permissions[1]")
        self.assertEqual(self.ds("POST", "/api/apikeys", admin, body={
            "keyName": token, "roleID": "2"}).status, 400)
        self.assertEqual(self.vo("POST", VO_BASE, admin, body=[{
            "name": token, "role": "Auditor", "monthsToExpiration": 1}]).status, 400)
        # Bodies that are not JSON, not the right media type, or too big, each holding a secret.
        self.server.post("/v1/apikeys", raw='{"name": "%s", ' % token, token=admin)
        self.server.post("/v1/apikeys", raw='{"name": "%s", "name": "x"}' % token, token=admin)
        self.server.post("/v1/apikeys", raw='["%s"]' % token, token=admin)
        self.server.post("/v1/apikeys", raw=token, token=admin)
        self.server.request("POST", "/v1/apikeys", token=admin, raw=token.encode(),
                            headers={"Content-Type": "text/plain"})
        big = ('{"name": "%s", "description": "%s"}' % (token, "x" * BODY_LIMIT)).encode()
        oversize = self.raw_exchange("oversize body", (
            "POST /v1/apikeys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (admin, len(big))).encode() + big)
        self.assertEqual(status_of(oversize), 413, oversize[:200])
        oversize = self.raw_exchange("oversize headers", (
            "GET /v1/apikeys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "X-Pad: %s\r\nConnection: close\r\n\r\n" % (admin, "y" * 20000)).encode())
        self.assertEqual(status_of(oversize), 431, oversize[:200])
        self.raw_exchange("token as the method", (
            "%s /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            % token).encode())

        # Sign-in: a token as the email or the password, wrong passwords that are other secrets.
        person, password, session = people[1]
        self.server.sign_in(admin, ADMIN_PASSWORD)
        self.server.sign_in(person["email"], admin)
        self.server.sign_in(person["email"], people[2][1])
        self.server.sign_in(robots[0][0]["email"], robots[0][1])  # api_only: no sign-in
        self.server.sign_in(token + "@example.com", password)
        self.server.request("POST", LOGIN, body={"dsCredentials": {
            "userName": admin, "password": password}})
        self.server.request("POST", LOGIN, body={"dsCredentials": {
            "userName": robots[0][0]["email"], "password": people[2][1]}})
        # Sessions: a token as the cookie or the CSRF token, a wrong current password, a
        # password that breaks the rules, the sID in the wrong place.
        self.server.get("/v1/session", headers={"Cookie": "%s=%s" % (SESSION_COOKIE, token)})
        session.post("/v1/apikeys", {"name": "n", "role": "Auditor"}, csrf=token)
        session.post("/v1/apikeys", {"name": "n", "role": "Auditor"}, token=token)
        session.post("/v1/session/password", {"currentPassword": people[2][1],
                                              "newPassword": password + " next"})
        session.post("/v1/session/password", {"currentPassword": password,
                                              "newPassword": "short"})
        session.post("/v1/session/password", {"currentPassword": password,
                                              "newPassword": password})
        self.ds("GET", "/api/apikeys", headers={"Cookie": "sID=" + token})
        self.ds("GET", "/api/apikeys?sID=" + sid)
        self.server.request("DELETE", LOGOUT + "?sID=" + token)
        self.ok(self.server.request("DELETE", LOGOUT + "?sID=" + sid))
        self.server.request("DELETE", LOGOUT + "?sID=" + sid)  # ended: 401
        # A wrong password five times locks an account for that address.
        for _ in range(6):
            self.server.sign_in(person["email"], people[2][1],
                                headers={"X-Forwarded-For": "192.0.2.200"})
        self.server.sign_in(person["email"], password, headers={"X-Forwarded-For": "192.0.2.200"})

        # A Deep Security administrator given a password that breaks the rules, and a token.
        self.ds("POST", "/api/administrators", admin, body={
            "username": "weak@example.com", "roleID": 2, "password": "short"})
        self.ds("POST", "/api/administrators", admin, body={
            "username": "tok@example.com", "roleID": 2, "password": 7})

        # The failure throttle: one address over its budget, then the real key from it.
        for i in range(35):
            self.server.get(current, token=tokens[i % len(tokens)][:-1],
                            headers={"X-Forwarded-For": THROTTLED_ADDRESS})
        resp = self.server.get(current, token=admin, headers={"X-Forwarded-For":
                                                              THROTTLED_ADDRESS})
        self.assertEqual(resp.status, 429, resp)
        # The bootstrap key and a console session still work (the errors above were served as
        # errors, not as the end of the test's credentials).
        self.ok(self.server.get(current, token=admin))
        self.ok(people[2][2].get("/v1/session"))

    # --- where secrets are looked for ---

    def data_files(self):
        """{name: bytes} of every file in the data directory but the designed secret files."""
        files = {}
        for name in sorted(os.listdir(self.server.data_dir)):
            path = os.path.join(self.server.data_dir, name)
            if name in DESIGNED_SECRET_FILES or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                files[name] = f.read()
        return files

    def check_store_files(self, stage):
        """Every file of the store at `stage` ("running", "stopped") holds no secret."""
        files = self.data_files()
        if stage == "running":
            # The store writes ahead (WAL): the log is searched as it stands, unmerged.
            self.assertLessEqual({"keyward.db", "keyward.db-wal"}, set(files), sorted(files))
        for name, data in files.items():
            self.assert_clean("data dir, %s: %s" % (stage, name), data)

    def pepper_path(self):
        return os.path.join(self.server.data_dir, "pepper")

    def pepper(self):
        """The pepper file's base64 texts and their raw bytes, as (label, bytes) pairs."""
        with open(self.pepper_path(), encoding="ascii") as f:
            lines = [line.split() for line in f.read().splitlines()
                     if line.strip() and not line.startswith("#")]
        self.assertTrue(lines, "no pepper in the pepper file")
        forms = []
        for version, text in lines:
            forms.append(("pepper %s base64" % version, text.encode("ascii")))
            forms.append(("pepper %s bytes" % version, base64.b64decode(text)))
            forms.append(("pepper %s hex" % version,
                          binascii.hexlify(base64.b64decode(text))))
        return forms

    def assert_clean(self, place, data):
        """No secret, no pepper in `data` (bytes): a subTest naming the place."""
        with self.subTest(place=place):
            found = [s.label for s in self.secrets if s.found_in(data)]
            found += [label for label, form in self.pepper_forms if form in data]
            self.assertEqual(found, [], "found in %s" % place)

    def test_no_secret_is_found_anywhere_after_every_kind_of_issue_and_error(self):
        self.pepper_forms = self.pepper()
        keys, fenced, expiring = self.issue_native_keys()
        self.issue_dialect_keys()
        robots, people, sid = self.issue_accounts()
        self.force_errors(keys, fenced, expiring, robots, people, sid)
        self.assertGreaterEqual(len(self.secrets), 40)

        # The audit trail, read and exported, and the metrics.
        events = self.audit_events(self.server, self.admin)
        self.assertGreaterEqual(len(events), 50)
        actions = {e["action"] for e in events}
        for action in ("apikey.create", "apikey.rotate", "auth.failure", "account.token.create",
                       "session.create"):
            self.assertIn(action, actions)
        self.assert_clean("GET /v1/audit", json.dumps(events).encode())
        for fmt in ("jsonl", "csv"):
            resp = self.ok(self.server.get("/v1/audit/export?format=" + fmt, token=self.admin))
            self.assertGreaterEqual(resp.body.count(b"\n"), len(events))
            self.assert_clean("audit export " + fmt, resp.body)
        self.assert_clean("/metrics", self.ok(self.server.get("/metrics")).body)

        # Every SIEM destination has every event (the newest one included) before it is read.
        newest = events[0]["hash"]
        self.assertTrue(wait_for(lambda: any(newest in m for m in self.tcp.messages)),
                        "syslog over TCP never got the newest event")
        self.assertTrue(wait_for(lambda: any(
            e["event"]["hash"] == newest for r in self.collector.requests
            for e in r["events"])), "the collector never got the newest event")
        self.assertTrue(self.udp.messages, "syslog over UDP got nothing")
        self.assert_clean("syslog over UDP", "\n".join(self.udp.messages).encode())
        self.assert_clean("syslog over TCP", "\n".join(self.tcp.messages).encode())
        self.assert_clean("HEC events", json.dumps(
            [r["events"] for r in self.collector.requests]).encode())
        self.assertEqual({r["authorization"] for r in self.collector.requests},
                         {"Splunk " + HEC_TOKEN})

        # Every response after the one that showed each secret.
        exchanges = self.server.exchanges
        for index, (label, resp) in enumerate(exchanges):
            data = response_bytes(resp)
            found = [s.label for s in self.secrets
                     if s.in_responses and index >= s.shown_at and s.found_in(data)]
            found += [name for name, form in self.pepper_forms if form in data]
            if found:
                with self.subTest(place="response %d (%s)" % (index, label)):
                    self.assertEqual(found, [], resp.body[:300])

        # The store's files while the server runs, then after it stops; and its logs.
        self.check_store_files("running")
        self.server.stop()
        self.check_store_files("stopped")
        self.assert_clean("stdout", self.server.stdout().encode())
        stderr = self.server.stderr()
        self.assertGreater(len([r for r in self.server.log_records()
                                if r.get("msg") == "request"]), 500)
        self.assert_clean("stderr", stderr.encode())


if __name__ == "__main__":
    unittest.main()
