"""Attacks on the domain's rules, against the real binary (docs/security.md "Domain and
authorization attacks"): a gateway throttled into failing, look-alike and encoded role names,
account tokens managed without accounts:tokens, duplicate JSON keys, secrets in the sign-in
audit, a lockout that tells which emails exist, key names that block account tokens, unbounded
echoes, non-integer bulk-delete ids and a one-time password that works twice."""

import json
import re
import unittest

from harness import BOOTSTRAP_EMAIL, KEYS_PATH, KeywardTestCase, make_token
from accounts_common import ADMIN_PASSWORD, WRONG_PASSWORD, AccountsTestCase


class GatewayThrottle(KeywardTestCase):
    """Item 3: junk keys a gateway presents to POST /v1/keys/verify count against the end
    client's verification budget, never the gateway's own authentication."""

    def verify(self, server, token, key, ip=None):
        body = {"key": key}
        if ip is not None:
            body["ip"] = ip
        resp = server.post("/v1/keys/verify", body, token=token)
        self.assertEqual(resp.status, 200, resp)  # verify is always 200
        return resp.json()

    def test_junk_verified_never_throttles_the_gateway(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        gateway = self.create_key(server, admin, "gateway", role="Full Access")["secret"]
        client = self.create_key(server, admin, "client")["secret"]
        # Well-formed tokens naming no key (a wrong secret would lock the client's key instead).
        junk = make_token("AAAAAAAAAAAA", "B" * 43)
        for _ in range(31):
            self.verify(server, gateway, junk, ip="198.51.100.7")
        self.assertEqual(self.verify(server, gateway, client, ip="198.51.100.7")["code"],
                         "RATE_LIMITED")
        # Another end client -- here the gateway's own address as one -- is untouched.
        self.assertEqual(self.verify(server, gateway, client)["code"], "VALID")
        for _ in range(31):
            self.verify(server, gateway, junk)
        limited = server.post("/v1/keys/verify", {"key": client}, token=gateway)
        self.assertEqual(limited.status, 200, limited)
        self.assertEqual(limited.json()["code"], "RATE_LIMITED")
        self.assertIsNotNone(limited.header("Retry-After"))
        # The gateway's own calls go on.
        self.assertEqual(server.get("/v1/apikeys/current", token=gateway).status, 200)
        self.create_key(server, gateway, "made by the gateway")
        self.assertEqual(self.verify(server, gateway, client, ip="203.0.113.9")["code"], "VALID")


class Names(AccountsTestCase):
    """Item 5: a role cannot pass for another in X-Keyward-Role, and no name may hide
    characters."""

    def test_role_header_is_always_percent_encoded(self):
        self.create_role(self.server, self.admin, "Master%20Administrator", ["orders:read"])
        impostor = self.create_key(self.server, self.admin, "impostor",
                                   role="Master%20Administrator")
        resp = self.server.get("/v1/authz", headers={"Authorization": "Bearer " +
                                                     impostor["secret"]})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.header("X-Keyward-Role"), "Master%2520Administrator")
        resp = self.server.get("/v1/authz", headers={"Authorization": "Bearer " + self.admin})
        self.assertEqual(resp.header("X-Keyward-Role"), "Master%20Administrator")

    def test_invisible_bidi_and_bom_characters_are_refused_in_every_name(self):
        for bad in ("Full Access\u200b", "Full\u200dAccess", "\u202eAuditor", "Auditor\u2066",
                    "\ufeffAuditor", "Aud\u200eitor"):
            with self.subTest(name=repr(bad)):
                resp = self.server.post(KEYS_PATH, {"name": bad, "role": "Auditor"},
                                        token=self.admin)
                self.assert_error(resp, 400, "invalid_argument", field="name")
                resp = self.server.post("/v1/roles", {"name": bad, "permissions": []},
                                        token=self.admin)
                self.assert_error(resp, 400, "invalid_argument", field="name")
                for field in ("givenName", "surname"):
                    resp = self.server.post("/v1/accounts", {
                        "email": "p@example.com", "role": "Auditor",
                        "accessLevel": "console_and_api", field: bad}, token=self.admin)
                    self.assert_error(resp, 400, "invalid_argument", field=field)


class AccountTokens(AccountsTestCase):
    """Items 6 and 10: an account's token through the keys API, and its name."""

    def test_keys_api_needs_accounts_tokens_to_change_or_delete_a_token(self):
        account = self.create_account(self.server, self.admin, "t@example.com",
                                      access_level="api_only")
        generated = self.generate_token(account["id"])
        key_id, secret = generated["token"]["keyId"], generated["secret"]
        full = self.create_key(self.server, self.admin, "full", role="Full Access")["secret"]
        for action in ("disable", "enable", "lock", "unlock"):
            with self.subTest(action=action):
                resp = self.server.post("%s/%s/%s" % (KEYS_PATH, key_id, action), {}, token=full)
                self.assert_error(resp, 403, "permission_denied")
        self.assert_error(self.server.delete("%s/%s" % (KEYS_PATH, key_id), token=full), 403,
                          "permission_denied")
        resp = self.server.post(KEYS_PATH + "/delete", {"ids": [key_id]}, token=full)
        self.assert_error(resp, 403, "permission_denied")
        self.assertEqual(self.server.get("/v1/audit", token=secret).status, 200)
        # With accounts:tokens it works, and is audited as the account's token's deletion.
        self.assertEqual(self.server.delete("%s/%s" % (KEYS_PATH, key_id),
                                            token=self.admin).status, 204)
        events = self.audit_events(self.server, self.admin, action="account.token.delete")
        self.assertEqual(len(events), 1, events)
        self.assertEqual(events[0]["target"], "account:" + account["id"])
        self.assertEqual(self.audit_events(self.server, self.admin, action="apikey.delete"), [])

    def test_a_key_named_like_a_token_does_not_block_it(self):
        account = self.create_account(self.server, self.admin, "t@example.com",
                                      access_level="api_only")
        name = "Authentication token of account " + account["id"]
        self.create_key(self.server, self.admin, name)
        generated = self.generate_token(account["id"])
        self.assertEqual(self.server.get("/v1/audit", token=generated["secret"]).status, 200)
        # And the token blocks no ordinary key's name.
        other = self.create_account(self.server, self.admin, "o@example.com",
                                    access_level="api_only")
        self.generate_token(other["id"])
        self.create_key(self.server, self.admin, "Authentication token of account " + other["id"])


class Bodies(AccountsTestCase):
    """Items 7 and 13: duplicate JSON keys, echoed values, bulk-delete ids."""

    def test_duplicate_keys_are_refused_naming_the_field(self):
        raw = '{"name": "k", "role": "Auditor", "role": "Master Administrator"}'
        resp = self.server.post(KEYS_PATH, raw=raw, token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="role")
        listed = self.server.get(KEYS_PATH, token=self.admin).json()["items"]
        self.assertNotIn("k", [key["name"] for key in listed])
        raw = '{"name": "r", "permissions": [], "name": "Master Administrator"}'
        self.assert_error(self.server.post("/v1/roles", raw=raw, token=self.admin), 400,
                          "invalid_argument", field="name")

    def test_a_huge_field_name_is_echoed_bounded(self):
        huge = "x" * (60 * 1024)
        resp = self.server.post(KEYS_PATH, {"name": "k", "role": "Auditor", huge: 1},
                                token=self.admin)
        error = self.assert_error(resp, 400, "invalid_argument")
        self.assertLess(len(resp.body), 2048, resp)
        self.assertTrue(error["field"].endswith("\u2026"), error)
        self.assertLessEqual(len(error["field"]), 129)
        self.assertLess(len(error["message"]), 300)

    def test_bulk_delete_ids_are_integers_written_as_strings_only(self):
        keys = [self.create_key(self.server, self.admin, "bulk-%d" % i) for i in range(3)]
        target = keys[-1]["id"]
        t = target
        # As numbers (13, 13.0, 13e0), and as strings other than the plain decimal digits.
        raw = ('{"ids": [%s, %s.0, %se0, "%s.0", "%se0", " %s", "+%s", "0%s"]}'
               % (t, t, t, t, t, t, t, t))
        resp = self.server.post(KEYS_PATH + "/delete", raw=raw, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        statuses = [r["status"] for r in resp.json()["results"]]
        self.assertEqual(statuses, [404] * 8, resp)
        self.assertEqual(resp.json()["results"][0]["id"], t)  # shown as given
        self.assertEqual(self.server.get(KEYS_PATH + "/" + target, token=self.admin).status, 200)


class SignIn(AccountsTestCase):
    """Items 8, 9 and 13: the sign-in's audit, its lockout, and the one-time password."""

    def test_a_token_typed_as_the_email_never_reaches_the_audit(self):
        for typed in (self.admin, "kw_" + "a" * 30 + "@example.com", "x" * 300 + "@example.com"):
            resp, _ = self.server.sign_in(typed, WRONG_PASSWORD)
            self.assert_error(resp, 401, "unauthenticated")
        resp, _ = self.server.sign_in("someone@example.com", WRONG_PASSWORD)
        self.assert_error(resp, 401, "unauthenticated")
        trail = self.server.get("/v1/audit/export?format=jsonl", token=self.admin).text
        self.assertNotIn(self.admin[16:40], trail)  # the secret part
        self.assertNotIn("kw_aaaa", trail)
        self.assertNotIn("x" * 100, trail)
        self.assertIn("someone@example.com", trail)

    def test_an_unknown_email_locks_like_a_real_account(self):
        self.console_admin()  # admin@localhost gets a real password
        answers = {}
        for email in (BOOTSTRAP_EMAIL, "nobody@example.com"):
            statuses = []
            for _ in range(6):
                resp, _ = self.server.sign_in(email, WRONG_PASSWORD)
                statuses.append(resp.status)
            answers[email] = (statuses, resp.json())
        self.assertEqual(answers[BOOTSTRAP_EMAIL][0], [401] * 5 + [429])
        self.assertEqual(answers["nobody@example.com"][0], [401] * 5 + [429])
        # The same message, unlock time aside (the two locks may start a second apart).
        no_time = [re.sub(r"\d{4}-\d\d-\d\dT[0-9:]+(Z|[+-]\d\d:\d\d)", "T", json.dumps(a[1]))
                   for a in answers.values()]
        self.assertEqual(no_time[0], no_time[1])
        resp, _ = self.server.sign_in(BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        self.assertEqual(resp.status, 429, resp)

    def test_a_one_time_password_signs_in_once(self):
        account, otp = self.with_password("p@example.com")
        self.sign_in_ok(self.server, "p@example.com", otp)
        resp, session = self.server.sign_in("p@example.com", otp)
        self.assert_error(resp, 401, "unauthenticated")
        self.assertIsNone(session)
        # A new one from an administrator works, once.
        otp = self.set_one_time_password(self.server, self.admin, account["id"])
        self.sign_in_ok(self.server, "p@example.com", otp)
        resp, _ = self.server.sign_in("p@example.com", otp)
        self.assert_error(resp, 401, "unauthenticated")


if __name__ == "__main__":
    unittest.main()
