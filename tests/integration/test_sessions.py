"""Console sign-in of the real binary through HTTP (docs/accounts.md "Console sign-in"): the
session cookie, the one-time password that must be changed first, CSRF, sign-out and every other
way a session ends, and the per-account-and-address sign-in lockout."""

import datetime
import unittest

from harness import BOOTSTRAP_EMAIL, JAPANESE_RE, KEYS_PATH, SESSION_COOKIE, ConsoleSession
from accounts_common import SESSION_FIELDS, RFC3339_SECONDS, ADMIN_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, parse_time, AccountsTestCase


class SignIn(AccountsTestCase):

    def test_sign_in_answers_201_with_a_strict_http_only_session_cookie(self):
        resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        self.assertEqual(resp.status, 201, resp)
        body = resp.json()
        self.assertLessEqual({"account", "csrfToken", "mustChangePassword"}, set(body.keys()),
                             body)
        self.assertEqual(body["account"]["email"], BOOTSTRAP_EMAIL)
        self.assertEqual(body["account"]["role"]["name"], "Master Administrator")
        self.assertIsInstance(body["csrfToken"], str)
        self.assertTrue(body["csrfToken"])
        self.assertIs(body["mustChangePassword"], True)

        cookies = resp.set_cookies()
        self.assertIn(SESSION_COOKIE, cookies, resp.headers)
        value, attrs = cookies[SESSION_COOKIE]
        self.assertTrue(value)
        self.assertIs(attrs.get("httponly"), True, attrs)
        self.assertEqual(str(attrs.get("samesite", "")).lower(), "strict", attrs)
        self.assertEqual(attrs.get("path"), "/", attrs)
        self.assertNotIn(value, resp.text, "the cookie's value is not in the body")
        self.assertNotEqual(value, body["csrfToken"])
        self.assertIsNotNone(session)

    def test_get_session_describes_the_session(self):
        resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        resp = session.get("/v1/session")
        self.assertEqual(resp.status, 200, resp)
        body = resp.json()
        self.assertLessEqual(SESSION_FIELDS, set(body.keys()), body)
        self.assertEqual(body["account"]["email"], BOOTSTRAP_EMAIL)
        self.assertEqual(body["csrfToken"], session.csrf_token)
        self.assertIs(body["mustChangePassword"], True)
        for field in ("createdAt", "idleExpiresAt", "expiresAt"):
            self.assertRegex(body[field], RFC3339_SECONDS, field)
        created = parse_time(body["createdAt"])
        idle = parse_time(body["idleExpiresAt"]) - created
        absolute = parse_time(body["expiresAt"]) - created
        # Defaults: 30 minutes idle, 12 hours absolute (a call may have moved idle on a little).
        self.assertTrue(datetime.timedelta(minutes=29) <= idle <= datetime.timedelta(minutes=31),
                        body)
        self.assertEqual(absolute, datetime.timedelta(hours=12), body)

    def test_one_time_password_allows_only_session_calls_until_changed(self):
        session = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        for method, path, body in (("GET", KEYS_PATH, None), ("GET", "/v1/accounts", None),
                                   ("GET", "/v1/audit", None),
                                   ("POST", "/v1/roles", {"name": "r", "permissions": []})):
            with self.subTest(call="%s %s" % (method, path)):
                resp = session.request(method, path, body=body)
                error = self.assert_error(resp, 403, "permission_denied")
                self.assertIn("change your one-time password first", error["message"])
        self.assertEqual(session.get("/v1/session").status, 200)

        resp = self.change_password(session, self.admin_otp, ADMIN_PASSWORD)
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        resp = session.get(KEYS_PATH)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(session.get("/v1/session").json()["mustChangePassword"], False)
        self.assertIs(self.admin_account()["mustChangePassword"], False)

    def test_changed_password_replaces_the_old_one(self):
        self.console_admin()
        resp, _ = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        self.assert_error(resp, 401, "unauthenticated")
        resp, _ = self.server.sign_in(BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        self.assertEqual(resp.status, 201, resp)
        self.assertIs(resp.json()["mustChangePassword"], False)

    def test_new_password_rules(self):
        session = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        for new in ("x" * 11, "y" * 257, self.admin_otp):
            with self.subTest(length=len(new)):
                resp = self.change_password(session, self.admin_otp, new)
                self.assert_error(resp, 400, "invalid_argument", field="newPassword")
        # A wrong currentPassword is refused (docs/accounts.md names no status: 400 or 403).
        resp = self.change_password(session, WRONG_PASSWORD, ADMIN_PASSWORD)
        self.assertIn(resp.status, (400, 403), resp)
        self.assertIn(resp.json()["error"]["code"], ("invalid_argument", "permission_denied"))
        self.assertIs(session.get("/v1/session").json()["mustChangePassword"], True)
        # The limits themselves are allowed: 12 characters, then 256.
        self.assertEqual(self.change_password(session, self.admin_otp, "z" * 12).status, 204)
        self.assertEqual(self.change_password(session, "z" * 12, "w" * 256).status, 204)

    def test_password_change_needs_the_csrf_token(self):
        session = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, self.admin_otp)
        resp = session.post("/v1/session/password",
                            {"currentPassword": self.admin_otp, "newPassword": ADMIN_PASSWORD},
                            csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        self.assertIs(session.get("/v1/session").json()["mustChangePassword"], True)

    def test_password_change_ends_the_accounts_other_sessions(self):
        first = self.console_admin()  # a one-time password signs in once: change it first
        second = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        self.assert_session_alive(second)
        resp = self.change_password(first, ADMIN_PASSWORD, NEW_PASSWORD)
        self.assertEqual(resp.status, 204, resp)
        self.assert_session_alive(first)
        self.assert_session_ended(second)

    def test_session_acts_as_the_accounts_role_in_its_locale(self):
        _, session = self.person("reader@example.com", role="Auditor", locale="ja-JP",
                                 timeZone="Asia/Tokyo")
        self.assertEqual(session.get(KEYS_PATH).status, 200)
        resp = session.post(KEYS_PATH, {"name": "nope", "role": "Auditor"})
        self.assert_error(resp, 403, "permission_denied")
        self.assertRegex(resp.json()["error"]["message"], JAPANESE_RE)
        me = session.get("/v1/session").json()
        self.assertTrue(me["createdAt"].endswith("+09:00"), me["createdAt"])

    def test_wrong_password_and_unknown_email_get_the_same_401(self):
        wrong, session = self.server.sign_in(BOOTSTRAP_EMAIL, WRONG_PASSWORD)
        self.assert_error(wrong, 401, "unauthenticated", message="wrong email or password")
        self.assertIsNone(session)
        self.assertEqual(wrong.set_cookies(), {})
        unknown, _ = self.server.sign_in("nobody@example.com", WRONG_PASSWORD)
        self.assert_error(unknown, 401, "unauthenticated", message="wrong email or password")
        self.assertEqual(unknown.json(), wrong.json())
        self.assertEqual(unknown.set_cookies(), {})

    def test_email_is_matched_ignoring_ascii_case(self):
        resp, _ = self.server.sign_in("ADMIN@LocalHost", self.admin_otp)
        self.assertEqual(resp.status, 201, resp)

    def test_sign_in_presenting_an_api_key_is_refused(self):
        for headers in ({"Authorization": "Bearer " + self.admin},
                        {"api-secret-key": self.admin}):
            with self.subTest(header=list(headers)[0]):
                resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp,
                                                     headers=headers)
                self.assert_error(resp, 403, "permission_denied")
                self.assertIsNone(session)
                self.assertEqual(resp.set_cookies(), {})

    def test_api_only_account_is_refused_once_its_password_is_right(self):
        _, otp = self.with_password("robot@example.com", access_level="api_only")
        resp, _ = self.server.sign_in("robot@example.com", WRONG_PASSWORD)
        self.assert_error(resp, 401, "unauthenticated")
        resp, session = self.server.sign_in("robot@example.com", otp)
        self.assert_error(resp, 403, "permission_denied")
        self.assertIsNone(session)
        self.assertEqual(resp.set_cookies(), {})

    def test_disabled_account_is_refused_once_its_password_is_right(self):
        account, otp = self.with_password("gone@example.com")
        self.assertEqual(self.server.post("/v1/accounts/%s/disable" % account["id"], {},
                                          token=self.admin).status, 200)
        resp, _ = self.server.sign_in("gone@example.com", WRONG_PASSWORD)
        self.assert_error(resp, 401, "unauthenticated")
        resp, session = self.server.sign_in("gone@example.com", otp)
        self.assert_error(resp, 403, "permission_denied")
        self.assertIsNone(session)

    def test_account_without_a_password_cannot_sign_in(self):
        self.create_account(self.server, self.admin, "fresh@example.com")
        for password in ("", WRONG_PASSWORD):
            with self.subTest(password=password):
                resp, session = self.server.sign_in("fresh@example.com", password)
                self.assertIn(resp.status, (400, 401), resp)
                self.assertIsNone(session)


class Csrf(AccountsTestCase):

    def setUp(self):
        super().setUp()
        self.session = self.console_admin()

    def test_state_changing_call_without_the_csrf_token_is_refused(self):
        resp = self.session.post("/v1/roles", {"name": "No token", "permissions": []},
                                 csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        self.assertNotIn("No token", self.role_names())

    def test_state_changing_call_with_a_wrong_csrf_token_is_refused(self):
        for wrong in ("wrong", self.session.csrf_token[:-1], self.session.cookie, ""):
            with self.subTest(token=wrong[:8]):
                resp = self.session.post("/v1/roles", {"name": "Wrong token", "permissions": []},
                                         csrf=wrong)
                self.assert_error(resp, 403, "permission_denied")
        self.assertNotIn("Wrong token", self.role_names())

    def test_another_sessions_csrf_token_is_refused(self):
        other = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        self.assertNotEqual(other.csrf_token, self.session.csrf_token)
        resp = self.session.post("/v1/roles", {"name": "Crossed", "permissions": []},
                                 csrf=other.csrf_token)
        self.assert_error(resp, 403, "permission_denied")

    def test_state_changing_call_with_the_right_csrf_token_succeeds(self):
        resp = self.session.post("/v1/roles", {"name": "With token", "permissions": []})
        self.assertEqual(resp.status, 201, resp)
        role_id = resp.json()["id"]
        resp = self.session.patch("/v1/roles/" + role_id, {"description": "patched"})
        self.assertEqual(resp.status, 200, resp)
        resp = self.session.delete("/v1/roles/" + role_id)
        self.assertEqual(resp.status, 204, resp)

    def test_every_state_changing_method_needs_the_token(self):
        role = self.create_role(self.server, self.admin, "Guarded", ["audit:view"])
        resp = self.session.patch("/v1/roles/" + role["id"], {"description": "x"}, csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        resp = self.session.delete("/v1/roles/" + role["id"], csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        resp = self.session.delete("/v1/session", csrf=False)
        self.assert_error(resp, 403, "permission_denied")
        self.assert_session_alive(self.session)
        self.assertEqual(self.server.get("/v1/roles/" + role["id"], token=self.admin).json(),
                         role)

    def test_get_needs_no_csrf_token(self):
        for path in (KEYS_PATH, "/v1/accounts", "/v1/roles", "/v1/audit", "/v1/session"):
            with self.subTest(path=path):
                resp = self.session.get(path, csrf=False)
                self.assertEqual(resp.status, 200, resp)

    def test_cookie_and_api_key_in_one_request_are_400(self):
        for method, path, body in (("GET", KEYS_PATH, None),
                                   ("POST", "/v1/roles", {"name": "Two", "permissions": []})):
            with self.subTest(method=method):
                resp = self.session.request(method, path, body=body, token=self.admin)
                self.assert_error(resp, 400, "invalid_argument")
        self.assertNotIn("Two", self.role_names())


class SessionEnd(AccountsTestCase):

    def test_sign_out_ends_the_session(self):
        session = self.console_admin()
        other = self.sign_in_ok(self.server, BOOTSTRAP_EMAIL, ADMIN_PASSWORD)
        resp = session.delete("/v1/session")
        self.assertEqual(resp.status, 204, resp)
        self.assertEqual(resp.body, b"")
        self.assert_session_ended(session)
        self.assert_session_alive(other)

    def test_a_forged_cookie_is_401(self):
        session = self.console_admin()
        forged = ConsoleSession(self.server, session.cookie[:-1] + (
            "A" if session.cookie[-1] != "A" else "B"), session.csrf_token)
        self.assert_session_ended(forged)
        self.assert_session_alive(session)

    def test_admin_password_reset_ends_the_accounts_sessions(self):
        account, session = self.person("reset@example.com")
        password = self.set_one_time_password(self.server, self.admin, account["id"])
        self.assert_session_ended(session)
        resp, _ = self.server.sign_in("reset@example.com", NEW_PASSWORD)
        self.assert_error(resp, 401, "unauthenticated")
        resp, _ = self.server.sign_in("reset@example.com", password)
        self.assertEqual(resp.status, 201, resp)
        self.assertIs(resp.json()["mustChangePassword"], True)

    def test_disabling_the_account_ends_its_sessions(self):
        account, session = self.person("off@example.com")
        resp = self.server.post("/v1/accounts/%s/disable" % account["id"], {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assert_session_ended(session)
        self.server.post("/v1/accounts/%s/enable" % account["id"], {}, token=self.admin)
        self.assert_session_ended(session)  # enabling does not revive an ended session

    def test_api_only_access_ends_its_sessions(self):
        account, session = self.person("api@example.com")
        resp = self.server.patch("/v1/accounts/" + account["id"], {"accessLevel": "api_only"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assert_session_ended(session)

    def test_deleting_the_account_ends_its_sessions(self):
        account, session = self.person("bye@example.com")
        resp = self.server.delete("/v1/accounts/" + account["id"], token=self.admin)
        self.assertEqual(resp.status, 204, resp)
        self.assert_session_ended(session)

    def test_console_only_keeps_console_sessions(self):
        account, session = self.person("console@example.com")
        resp = self.server.patch("/v1/accounts/" + account["id"],
                                 {"accessLevel": "console_only"}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assert_session_alive(session)
        self.assertEqual(session.get(KEYS_PATH).status, 200)


class Lockout(AccountsTestCase):

    def setUp(self):
        super().setUp()
        self.target, self.otp = self.with_password("locked@example.com")

    def fail_sign_ins(self, count):
        for _ in range(count):
            resp, _ = self.server.sign_in("locked@example.com", WRONG_PASSWORD)
            self.assert_error(resp, 401, "unauthenticated")

    def test_five_wrong_passwords_lock_sign_in_even_with_the_right_password(self):
        self.assertIs(self.target["lockedOut"], False)
        self.fail_sign_ins(5)
        resp, session = self.server.sign_in("locked@example.com", self.otp)
        self.assert_error(resp, 429, "rate_limited")
        self.assertIsNone(session)
        resp, _ = self.server.sign_in("locked@example.com", WRONG_PASSWORD)
        self.assert_error(resp, 429, "rate_limited")
        self.assertIs(self.account(self.target["id"])["lockedOut"], True)

    def test_four_wrong_passwords_do_not_lock(self):
        self.fail_sign_ins(4)
        self.sign_in_ok(self.server, "locked@example.com", self.otp)
        self.assertIs(self.account(self.target["id"])["lockedOut"], False)

    def test_unlock_clears_the_lock(self):
        self.fail_sign_ins(5)
        resp = self.server.post("/v1/accounts/%s/unlock" % self.target["id"], {},
                                token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertIs(resp.json()["lockedOut"], False)
        self.assertIs(self.account(self.target["id"])["lockedOut"], False)
        self.sign_in_ok(self.server, "locked@example.com", self.otp)

    def test_successful_sign_in_clears_the_count(self):
        self.fail_sign_ins(4)
        self.signed_in("locked@example.com", self.otp)  # a one-time password signs in once
        self.fail_sign_ins(4)
        self.sign_in_ok(self.server, "locked@example.com", NEW_PASSWORD)

    def test_lock_holds_for_one_account_only(self):
        other, other_otp = self.with_password("other@example.com")
        self.fail_sign_ins(5)
        self.sign_in_ok(self.server, "other@example.com", other_otp)
        self.assertIs(self.account(other["id"])["lockedOut"], False)



if __name__ == "__main__":
    unittest.main()
