"""Two Keyward nodes on one PostgreSQL database (docs/architecture.md "Storage and scale"): what one
node writes holds on the other, key changes reach the other node's index within a second, lockout
is exact across nodes, console sessions work on any node, concurrent writers leave one audit chain,
a node given another pepper refuses to start, and nodes starting together on an empty database
issue one bootstrap key.

The one-second waits are the promise under test (a change reaches every other node within one
second), measured from the moment node A answered the change; every other wait only bounds how
long a broken build can hang a test.
"""

import json
import os
import subprocess
import threading
import time
import unittest

from harness import (BOOTSTRAP_EMAIL, KEYS_PATH, KEYWARD_BIN, START_DEADLINE, ConsoleSession,
                     run_keyward, tail, wrong_secret_token, write_pepper_file)
from pg_nodes import NodesTestCase, report

# The promise: a change made on one node reaches every other node within one second.
PROPAGATION_DEADLINE = 1.0
# Bounds waits that no promise times (a loaded machine, an ASan build).
SLOW_DEADLINE = 30.0
# No lockout and no failure throttle: the propagation tests present refused tokens many times.
NO_LOCKOUT = ["--lockout-threshold", "0", "--throttle", "0"]
NEW_PASSWORD = "a passphrase set on node B"


class SharedStore(NodesTestCase):
    """What node A writes, node B serves."""

    def setUp(self):
        super().setUp()
        self.start_two_nodes(NO_LOCKOUT, password_file=True)

    def wait_on_b(self, what, answered_at, check):
        """Polls node B until `check()` is true, within one second of `answered_at` (when node A
        answered the change)."""
        _, took = self.wait_until(what + " on node B", check, PROPAGATION_DEADLINE,
                                  start=answered_at)
        report("%s on node B %.3f s after node A answered" % (what, took))

    def test_node_b_starts_on_the_store_node_a_made_without_a_bootstrap_key(self):
        self.assertNotIn("export KEYWARD_API_KEY", self.b.stderr())
        resp = self.b.get(KEYS_PATH, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual([k["role"]["name"] for k in resp.json()["items"]],
                         ["Master Administrator"])

    def test_a_key_created_on_a_verifies_on_b(self):
        key = self.create_key(self.a, self.admin, "made on A")
        answered_at = time.monotonic()
        self.wait_on_b("the new key verifies", answered_at,
                               lambda: self.verify_code(self.b, key["secret"]) == "VALID")
        resp = self.verify(self.b, key["secret"])
        self.assertEqual(resp.json()["keyId"], key["id"], resp)
        resp = self.authz(self.b, key["secret"])
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.header("X-Keyward-Key-Id"), key["id"])
        # A key node B made verifies on A too.
        other = self.create_key(self.b, self.admin, "made on B")
        self.wait_until("B's key verifies on node A",
                        lambda: self.verify_code(self.a, other["secret"]) == "VALID",
                        PROPAGATION_DEADLINE)

    def test_a_key_disabled_on_a_is_refused_on_b_within_one_second(self):
        key = self.create_key(self.a, self.admin, "to disable")
        self.wait_until("the key verifies on node B",
                        lambda: self.verify_code(self.b, key["secret"]) == "VALID", SLOW_DEADLINE)
        resp = self.a.post("%s/%s/disable" % (KEYS_PATH, key["id"]), token=self.admin)
        answered_at = time.monotonic()
        self.assertEqual(resp.status, 200, resp)
        self.wait_on_b("the disabled key refused", answered_at,
                               lambda: self.verify_code(self.b, key["secret"]) == "DISABLED")
        resp = self.authz(self.b, key["secret"])
        self.assertEqual((resp.status, resp.header("X-Keyward-Outcome")), (401, "DISABLED"))

    def test_a_key_rotated_on_a_takes_only_the_new_secret_on_b_within_one_second(self):
        key = self.create_key(self.a, self.admin, "to rotate")
        self.wait_until("the key verifies on node B",
                        lambda: self.verify_code(self.b, key["secret"]) == "VALID", SLOW_DEADLINE)
        resp = self.a.post("%s/%s/rotate" % (KEYS_PATH, key["id"]), token=self.admin)
        answered_at = time.monotonic()
        self.assertEqual(resp.status, 200, resp)
        new_secret = resp.json()["secret"]

        def rotated():
            return (self.verify_code(self.b, key["secret"]) != "VALID"
                    and self.verify_code(self.b, new_secret) == "VALID")
        self.wait_on_b("the old secret refused and the new one accepted", answered_at,
                               rotated)
        self.assertEqual(self.authz(self.b, key["secret"]).status, 401)
        self.assertEqual(self.authz(self.b, new_secret).status, 200)

    def test_every_other_state_change_on_a_reaches_b_within_one_second(self):
        key = self.create_key(self.a, self.admin, "many states")
        secret = key["secret"]
        self.wait_until("the key verifies on node B",
                        lambda: self.verify_code(self.b, secret) == "VALID", SLOW_DEADLINE)
        path = "%s/%s/" % (KEYS_PATH, key["id"])
        for action, expected in (("lock", "LOCKED_OUT"), ("unlock", "VALID"),
                                 ("disable", "DISABLED"), ("enable", "VALID")):
            resp = self.a.post(path + action, token=self.admin)
            answered_at = time.monotonic()
            self.assertEqual(resp.status, 200, resp)
            self.wait_on_b("%s: %s" % (action, expected), answered_at,
                           lambda: self.verify_code(self.b, secret) == expected)
        # A rotation with a grace period: both secrets hold on B.
        resp = self.a.post(path + "rotate", {"gracePeriodSeconds": 3600}, token=self.admin)
        answered_at = time.monotonic()
        self.assertEqual(resp.status, 200, resp)
        new_secret = resp.json()["secret"]
        self.wait_on_b("the new secret accepted in the grace period", answered_at,
                       lambda: self.verify_code(self.b, new_secret) == "VALID")
        self.assertEqual(self.verify_code(self.b, secret), "VALID")

    def test_account_changes_on_a_reach_its_token_on_b_within_one_second(self):
        account = self.create_account(self.a, self.admin, "token@example.com", role="Auditor",
                                      access_level="api_only")
        path = "/v1/accounts/" + account["id"]

        def new_token():
            resp = self.a.post(path + "/token", {}, token=self.admin)
            self.assertEqual(resp.status, 201, resp)
            secret = resp.json()["secret"]
            self.wait_on_b("the account's new token verifying", time.monotonic(),
                           lambda: self.verify_code(self.b, secret) == "VALID")
            return secret

        def role_on_b(secret):
            resp = self.verify(self.b, secret)
            return resp.json().get("role")

        secret = new_token()
        self.assertEqual(role_on_b(secret), "Auditor")
        steps = [
            ("PATCH", path, {"role": "Full Access"}, 200,
             "the account's new role on its token", lambda: role_on_b(secret) == "Full Access"),
            ("POST", path + "/disable", None, 200, "the disabled account's token refused",
             lambda: self.verify_code(self.b, secret) != "VALID"),
            ("POST", path + "/enable", None, 200, "the enabled account's token accepted",
             lambda: self.verify_code(self.b, secret) == "VALID"),
            ("DELETE", path + "/token", None, 204, "the deleted token refused",
             lambda: self.verify_code(self.b, secret) == "NOT_FOUND"),
        ]
        for method, step_path, body, status, what, check in steps:
            resp = self.a.request(method, step_path, body=body, token=self.admin)
            answered_at = time.monotonic()
            self.assertEqual(resp.status, status, resp)
            self.wait_on_b(what, answered_at, check)
        secret = new_token()
        resp = self.a.delete(path, token=self.admin)
        answered_at = time.monotonic()
        self.assertEqual(resp.status, 204, resp)
        self.wait_on_b("the deleted account's token refused", answered_at,
                       lambda: self.verify_code(self.b, secret) == "NOT_FOUND")

    def test_a_key_deleted_on_a_is_refused_on_b_within_one_second(self):
        key = self.create_key(self.a, self.admin, "to delete")
        self.wait_until("the key verifies on node B",
                        lambda: self.verify_code(self.b, key["secret"]) == "VALID", SLOW_DEADLINE)
        resp = self.a.delete("%s/%s" % (KEYS_PATH, key["id"]), token=self.admin)
        answered_at = time.monotonic()
        self.assertIn(resp.status, (200, 204), resp)
        self.wait_on_b("the deleted key refused", answered_at,
                               lambda: self.verify_code(self.b, key["secret"]) == "NOT_FOUND")
        resp = self.authz(self.b, key["secret"])
        self.assertEqual((resp.status, resp.header("X-Keyward-Outcome")), (401, "NOT_FOUND"))

    def test_a_role_change_on_a_applies_on_b(self):
        role = self.create_role(self.a, self.admin, "Readers", ["audit:view"])
        key = self.create_key(self.a, self.admin, "reader", role="Readers")
        self.wait_until("the key verifies on node B",
                        lambda: self.verify_code(self.b, key["secret"]) == "VALID", SLOW_DEADLINE)
        resp = self.authz(self.b, key["secret"], permission="apikeys:view")
        self.assertEqual((resp.status, resp.header("X-Keyward-Outcome")),
                         (403, "INSUFFICIENT_PERMISSIONS"))

        resp = self.a.patch("/v1/roles/" + role["id"],
                            {"permissions": ["audit:view", "apikeys:view"]}, token=self.admin)
        answered_at = time.monotonic()
        self.assertEqual(resp.status, 200, resp)
        self.wait_on_b(
            "the added permission granted", answered_at,
            lambda: self.authz(self.b, key["secret"], permission="apikeys:view").status == 200)
        resp = self.verify(self.b, key["secret"])
        self.assertEqual(sorted(resp.json()["permissions"]), ["apikeys:view", "audit:view"])
        # The key's own calls on B act with the new permission.
        self.assertEqual(self.b.get(KEYS_PATH, token=key["secret"]).status, 200)

        resp = self.a.patch("/v1/roles/" + role["id"], {"permissions": ["audit:view"]},
                            token=self.admin)
        answered_at = time.monotonic()
        self.assertEqual(resp.status, 200, resp)
        self.wait_on_b(
            "the removed permission refused", answered_at,
            lambda: self.authz(self.b, key["secret"], permission="apikeys:view").status == 403)
        self.assert_error(self.b.get(KEYS_PATH, token=key["secret"]), 403, "permission_denied")

    def test_a_console_session_made_on_a_works_on_b_and_signing_out_on_a_ends_it(self):
        resp, session_a = self.a.sign_in(BOOTSTRAP_EMAIL, self.a.bootstrap_password())
        self.assertEqual(resp.status, 201, resp)
        self.assertIsNotNone(session_a)
        session_b = ConsoleSession(self.b, session_a.cookie, session_a.csrf_token)
        resp = session_b.get("/v1/session")
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["account"]["email"], BOOTSTRAP_EMAIL)
        # A state-changing call on B with the CSRF token A issued: the one-time password changed.
        resp = session_b.post("/v1/session/password",
                              {"currentPassword": self.a.bootstrap_password(),
                               "newPassword": NEW_PASSWORD})
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(session_a.get(KEYS_PATH).status, 200)
        resp = session_b.post(KEYS_PATH, {"name": "made by a session on B", "role": "Auditor"})
        self.assertEqual(resp.status, 201, resp)

        resp = session_a.delete("/v1/session")
        answered_at = time.monotonic()
        self.assertEqual(resp.status, 204, resp)
        self.wait_on_b("the signed-out session refused", answered_at,
                               lambda: session_b.get("/v1/session").status == 401)
        self.assert_error(session_b.get(KEYS_PATH), 401, "unauthenticated")
        # The password set through B signs in on A.
        resp, _ = self.a.sign_in(BOOTSTRAP_EMAIL, NEW_PASSWORD)
        self.assertEqual(resp.status, 201, resp)


class ExactLockout(NodesTestCase):

    THRESHOLD = 6

    def setUp(self):
        super().setUp()
        self.start_two_nodes(["--lockout-threshold", str(self.THRESHOLD), "--throttle", "0"])

    def key_on(self, node, key_id):
        resp = node.get("%s/%s" % (KEYS_PATH, key_id), token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    def lock_by_failures_split_across_nodes(self, key, present_wrong):
        """THRESHOLD - 1 failures alternating between the nodes leave the key open with that
        count; the next one, on node B, locks it."""
        wrong = wrong_secret_token(key["secret"])
        nodes = [self.a, self.b]
        for i in range(self.THRESHOLD - 1):
            present_wrong(nodes[i % 2], wrong)
        for node in nodes:
            state = self.key_on(node, key["id"])
            self.assertEqual((state["failedAttempts"], state["lockedOut"]),
                             (self.THRESHOLD - 1, False), state)
        present_wrong(self.b, wrong)
        answered_at = time.monotonic()
        for node in nodes:
            state = self.key_on(node, key["id"])
            self.assertEqual((state["failedAttempts"], state["lockedOut"], state["status"]),
                             (self.THRESHOLD, True, "locked_out"), state)
        # The lock holds in both nodes' indexes: even the right secret is refused. Node B locked
        # the key; node A learns it through the change feed, so it is asked once the second
        # that promise allows has passed (asking sooner would present the right secret to an
        # index that may not know yet, and a success clears the failures).
        time.sleep(max(0.0, answered_at + PROPAGATION_DEADLINE - time.monotonic()))
        for node in (self.b, self.a):
            self.assertEqual(self.verify_code(node, key["secret"]), "LOCKED_OUT")
            resp = self.authz(node, key["secret"])
            self.assertEqual((resp.status, resp.header("X-Keyward-Outcome")), (401, "LOCKED_OUT"))
        lockouts = self.audit_events(self.a, self.admin, action="auth.lockout")
        self.assertEqual(len(lockouts), 1, lockouts)
        self.assertEqual(self.audit_events(self.b, self.admin, action="auth.lockout"), lockouts)

    def test_failures_at_authz_split_across_nodes_lock_at_exactly_the_threshold(self):
        key = self.create_key(self.a, self.admin, "target")  # no allowlist: every address counts
        self.wait_until("the key verifies on node B",
                        lambda: self.verify_code(self.b, key["secret"]) == "VALID", SLOW_DEADLINE)

        def present(node, wrong):
            resp = self.authz(node, wrong)
            self.assertEqual((resp.status, resp.header("X-Keyward-Outcome")), (401, "NOT_FOUND"))
        self.lock_by_failures_split_across_nodes(key, present)

    def test_failures_at_verify_from_inside_the_allowlist_lock_at_exactly_the_threshold(self):
        key = self.create_key(self.a, self.admin, "fenced", allowedIps=["8.8.8.0/24"])
        self.wait_until("the key is known on node B",
                        lambda: self.verify(self.b, key["secret"], ip="8.8.8.8").json()["code"]
                        == "VALID", SLOW_DEADLINE)

        def present(node, wrong):
            resp = self.verify(node, wrong, ip="8.8.8.9")
            self.assertEqual(resp.status, 200, resp)
            self.assertIs(resp.json()["valid"], False, resp)

        # Failures from outside the allowlist do not count.
        for node in (self.a, self.b):
            resp = self.verify(node, wrong_secret_token(key["secret"]), ip="9.9.9.9")
            self.assertIs(resp.json()["valid"], False, resp)
        self.assertEqual(self.key_on(self.a, key["id"])["failedAttempts"], 0)
        self.lock_by_failures_split_across_nodes(key, present)

    def test_concurrent_failures_on_both_nodes_lock_at_exactly_the_threshold(self):
        key = self.create_key(self.a, self.admin, "raced")
        self.wait_until("the key verifies on node B",
                        lambda: self.verify_code(self.b, key["secret"]) == "VALID", SLOW_DEADLINE)
        wrong = wrong_secret_token(key["secret"])
        barrier = threading.Barrier(self.THRESHOLD)
        outcomes = []

        def present(node):
            barrier.wait()
            outcomes.append(self.authz(node, wrong).header("X-Keyward-Outcome"))
        threads = [threading.Thread(target=present, args=([self.a, self.b][i % 2],))
                   for i in range(self.THRESHOLD)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(outcomes), self.THRESHOLD)
        self.assertTrue(set(outcomes) <= {"NOT_FOUND", "LOCKED_OUT"}, outcomes)
        for node in (self.a, self.b):
            state = self.key_on(node, key["id"])
            self.assertEqual((state["failedAttempts"], state["lockedOut"]),
                             (self.THRESHOLD, True), state)
        self.assertEqual(len(self.audit_events(self.a, self.admin, action="auth.lockout")), 1)


class ExactSignInLockout(NodesTestCase):
    """docs/accounts.md "Lockout": 5 wrong passwords in a row for one account from one address
    lock its sign-ins from that address; the count is kept in the database, so across nodes."""

    WRONG = "not the password 0003"

    def test_wrong_passwords_split_across_nodes_lock_sign_in_at_exactly_five(self):
        self.start_two_nodes()
        account = self.create_account(self.a, self.admin, "split@example.com")
        resp = self.a.post("/v1/accounts/%s/password" % account["id"], {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        one_time = resp.json()["oneTimePassword"]
        nodes = [self.a, self.b]
        for i in range(4):
            resp, _ = nodes[i % 2].sign_in("split@example.com", self.WRONG)
            self.assert_error(resp, 401, "unauthenticated")
        for node in nodes:
            self.assertIs(self.get_account(node, self.admin, account["id"])["lockedOut"], False)
        resp, _ = self.b.sign_in("split@example.com", self.WRONG)
        self.assert_error(resp, 401, "unauthenticated")
        # The fifth, on node B, locked sign-ins on both nodes, even with the right password.
        for node in nodes:
            self.assertIs(self.get_account(node, self.admin, account["id"])["lockedOut"], True)
            resp, session = node.sign_in("split@example.com", one_time)
            self.assert_error(resp, 429, "rate_limited")
            self.assertIsNone(session)
        events = self.audit_events(self.a, self.admin, action="auth.lockout")
        self.assertEqual(len(events), 1, events)
        self.assertEqual(len(self.audit_events(self.b, self.admin, action="session.failure")), 5)


class ConcurrentWriters(NodesTestCase):

    THREADS_PER_NODE = 3
    ROUNDS = 20  # each: create, rename, disable, delete half -> about 3.5 writes a round

    def test_both_nodes_writing_at_once_leave_one_audit_chain(self):
        self.start_two_nodes(NO_LOCKOUT)
        errors, writes = [], []
        lock = threading.Lock()

        def writer(node, label):
            try:
                for i in range(self.ROUNDS):
                    name = "%s-%d" % (label, i)
                    resp = node.post(KEYS_PATH, {"name": name, "role": "Auditor"},
                                     token=self.admin)
                    if resp.status != 201:
                        raise AssertionError("create %s: %r" % (name, resp))
                    key_id = resp.json()["id"]
                    steps = [("PATCH", "%s/%s" % (KEYS_PATH, key_id),
                              {"description": "renamed by " + label}, 200),
                             ("POST", "%s/%s/disable" % (KEYS_PATH, key_id), None, 200)]
                    if i % 2:
                        steps.append(("DELETE", "%s/%s" % (KEYS_PATH, key_id), None, 204))
                    done = 1
                    for method, path, body, expected in steps:
                        resp = node.request(method, path, body=body, token=self.admin)
                        if resp.status not in (expected, 200):
                            raise AssertionError("%s %s: %r" % (method, path, resp))
                        done += 1
                    with lock:
                        writes.append(done)
            except BaseException as e:  # reported by the main thread
                with lock:
                    errors.append(e)

        threads = []
        for node, node_label in ((self.a, "a"), (self.b, "b")):
            for t in range(self.THREADS_PER_NODE):
                threads.append(threading.Thread(target=writer,
                                                args=(node, "%s%d" % (node_label, t))))
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        total = sum(writes)
        report("%d writes from %d threads on two nodes in %.1f s"
               % (total, len(threads), time.monotonic() - started))
        self.assertGreaterEqual(total, 2 * self.THREADS_PER_NODE * self.ROUNDS * 3)

        events = self.audit_export(self.a, self.admin)
        in_database = int(self.sql("SELECT count(*) FROM audit_events"))
        self.assertEqual(len(events), in_database)
        for node in (self.a, self.b):
            resp = node.get("/v1/audit/verify", token=self.admin)
            self.assertEqual(resp.status, 200, resp)
            self.assertEqual(resp.json(), {"ok": True, "events": in_database})
        # Every write is in the chain: one event each (the bootstrap's own events aside).
        by_action = {}
        for event in events:
            by_action[event["action"]] = by_action.get(event["action"], 0) + 1
        creates = 2 * self.THREADS_PER_NODE * self.ROUNDS
        self.assertEqual(by_action.get("apikey.create", 0), creates + 1, by_action)  # + bootstrap
        self.assertEqual(by_action.get("apikey.delete", 0), creates // 2, by_action)
        self.assertEqual(by_action.get("apikey.disable", 0), creates, by_action)
        self.assertEqual(by_action.get("apikey.update", 0), creates, by_action)


class Startup(NodesTestCase):

    def test_a_node_with_another_pepper_refuses_to_start_and_says_why(self):
        self.start_two_nodes()
        other_file, other_text = write_pepper_file(self.workdir, "other-pepper")
        result = subprocess.run(
            [KEYWARD_BIN, "serve", "--listen", "127.0.0.1:0", "--database", self.database,
             "--pepper-file", other_file],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=START_DEADLINE * 3)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        output = result.stdout + result.stderr
        self.assertNotIn("listening on", result.stdout)
        self.assertIn("the pepper does not match", output)
        for secret in (other_text, self.pepper_text):
            self.assertNotIn(secret, output)
            self.assertNotIn(secret.rstrip("="), output)
        report("a node with another pepper: exit %d, %s"
               % (result.returncode, tail(result.stderr, 3).strip()))
        # The nodes with the right pepper go on.
        self.assertEqual(self.a.get("/readyz").status, 200)
        self.assertEqual(self.b.get(KEYS_PATH, token=self.admin).status, 200)

    def test_a_database_password_in_the_url_is_never_printed(self):
        # The test server trusts every local connection, so the password is accepted and unused;
        # libpq takes it in the user part of the URL or as a parameter.
        password = "pg-password-0123456789"
        for url in (self.database.replace("postgres@", "postgres:%s@" % password),
                    self.database + "?password=" + password):
            with self.subTest(url=url.replace(password, "***")):
                node = self.start_node(database=url)
                self.assertEqual(node.get("/readyz").status, 200)
                node.stop()
                for text in (node.stdout(), node.stderr()):
                    self.assertNotIn(password, text)
        # Nor when the server cannot be reached.
        unreachable = "postgresql://postgres:%s@127.0.0.1:1/x?password=%s" % (password, password)
        result = run_keyward(["serve", "--listen", "127.0.0.1:0", "--database", unreachable,
                              "--pepper-file", self.pepper_file])
        self.assertNotEqual(result.returncode, 0, result.stdout)
        # It says where it could not connect, the password masked.
        self.assertIn("cannot connect to postgresql://postgres:***@127.0.0.1:1/x", result.stderr)
        self.assertNotIn(password, result.stdout + result.stderr)

    def test_two_nodes_starting_together_on_an_empty_database_issue_one_bootstrap_key(self):
        nodes = [self.start_node(key_file=True, password_file=True, start=False)
                 for _ in range(2)]
        barrier = threading.Barrier(2)
        failures = []

        def start(node):
            barrier.wait()
            try:
                node.start()
            except BaseException as e:  # reported by the main thread
                failures.append(e)
        threads = [threading.Thread(target=start, args=(node,)) for node in nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        issued = [node for node in nodes if os.path.exists(node.key_file)
                  and os.path.getsize(node.key_file) > 0]
        self.assertEqual(len(issued), 1, [node.stderr() for node in nodes])
        self.admin = issued[0].bootstrap_key()
        # One one-time password for admin@localhost, from either node: the key and the account
        # are issued by two units of work, each once, so the nodes may share the work.
        passwords = [node for node in nodes if os.path.exists(node.password_file)
                     and os.path.getsize(node.password_file) > 0]
        self.assertEqual(len(passwords), 1, [node.stderr() for node in nodes])
        report("the key issued by node %d, the password by node %d"
               % (nodes.index(issued[0]), nodes.index(passwords[0])))
        for node in nodes:
            keys = self.list_all(node, self.admin, KEYS_PATH)
            self.assertEqual([(k["name"], k["role"]["name"]) for k in keys],
                             [(keys[0]["name"], "Master Administrator")], keys)
            accounts = self.list_all(node, self.admin, "/v1/accounts")
            self.assertEqual([a["email"] for a in accounts], [BOOTSTRAP_EMAIL])
        self.assertEqual(self.sql("SELECT count(*) FROM api_keys"), "1")
        self.assertEqual(self.sql("SELECT count(*) FROM accounts"), "1")
        # The one issued key works on both nodes, and so does the one-time password.
        for node in nodes:
            self.assertEqual(self.verify_code(node, self.admin), "VALID")
        resp, _ = nodes[1].sign_in(BOOTSTRAP_EMAIL, passwords[0].bootstrap_password())
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(json.loads(self.sql(
            "SELECT json_agg(action ORDER BY id) FROM audit_events "
            "WHERE action = 'apikey.create'")), ["apikey.create"])


if __name__ == "__main__":
    unittest.main()
