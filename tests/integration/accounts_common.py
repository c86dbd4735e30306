"""Shared by the account, role and session integration modules (test_roles, test_accounts,
test_sessions): constants, time helpers and AccountsTestCase, a fresh server per test with the
bootstrap key and admin@localhost's one-time password read from its file."""

import datetime
import re

from harness import (BOOTSTRAP_EMAIL, JAPANESE_RE, KEYS_PATH, SESSION_COOKIE, TOKEN_RE,
                     ConsoleSession, KeywardTestCase)

# The fields every account carries (docs/api.md, and docs/accounts.md "Responses add ..."); more may
# be added, so objects are checked to hold at least these.
ACCOUNT_FIELDS = {"id", "email", "type", "role", "accessLevel", "givenName", "surname",
                  "description", "locale", "timeZone", "enabled", "lockedOut",
                  "mustChangePassword", "createdAt", "token"}
SESSION_FIELDS = {"account", "csrfToken", "mustChangePassword", "createdAt", "idleExpiresAt",
                  "expiresAt"}
ROLE_FIELDS = {"id", "name", "description", "builtIn", "permissions"}
BUILT_IN_ROLES = {"1": "Full Access", "2": "Auditor", "3": "Master Administrator"}
RFC3339_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")

# Passwords the tests choose (12 to 256 characters).
ADMIN_PASSWORD = "admin passphrase 0001"
NEW_PASSWORD = "a new passphrase 0002"
WRONG_PASSWORD = "not the password 0003"

# A custom role that can manage roles, create keys and accounts and read the trail, but lacks
# apikeys:edit, apikeys:delete, accounts:tokens and keys:verify.
LIMITED_PERMISSIONS = ["roles:view", "roles:create", "roles:edit", "roles:delete",
                       "apikeys:view", "apikeys:create", "accounts:view", "accounts:create",
                       "accounts:edit", "accounts:delete", "audit:view"]


def utc_in(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class AccountsTestCase(KeywardTestCase):
    """A fresh server per test, with the bootstrap key and admin@localhost's one-time password."""

    def setUp(self):
        super().setUp()
        self.server = self.start_server(password_file=True)
        self.admin = self.server.bootstrap_key()
        self.admin_otp = self.server.bootstrap_password()

    # --- helpers ---

    def admin_account(self):
        return self.find_account(self.server, self.admin, BOOTSTRAP_EMAIL)

    def account(self, account_id):
        return self.get_account(self.server, self.admin, account_id)

    def with_password(self, email, role="Auditor", access_level="console_and_api", **fields):
        """An account made by the bootstrap key, with a one-time password; (account, password)."""
        account = self.create_account(self.server, self.admin, email, role=role,
                                      access_level=access_level, **fields)
        return account, self.set_one_time_password(self.server, self.admin, account["id"])

    def change_password(self, session, current, new):
        return session.post("/v1/session/password",
                            {"currentPassword": current, "newPassword": new})

    def signed_in(self, email, one_time_password, new_password=NEW_PASSWORD):
        """Signs in with the one-time password and changes it; returns the usable session."""
        session = self.sign_in_ok(self.server, email, one_time_password)
        resp = self.change_password(session, one_time_password, new_password)
        self.assertEqual(resp.status, 204, resp)
        return session

    def console_admin(self):
        """admin@localhost signed in, its one-time password changed to ADMIN_PASSWORD."""
        return self.signed_in(BOOTSTRAP_EMAIL, self.admin_otp, ADMIN_PASSWORD)

    def person(self, email, role="Auditor", access_level="console_and_api", **fields):
        """An account signed in with its password changed to NEW_PASSWORD; (account, session)."""
        account, otp = self.with_password(email, role, access_level, **fields)
        return account, self.signed_in(email, otp)

    def assert_session_ended(self, session):
        self.assert_error(session.get("/v1/session"), 401, "unauthenticated")
        self.assert_error(session.get(KEYS_PATH), 401, "unauthenticated")

    def assert_session_alive(self, session):
        resp = session.get("/v1/session")
        self.assertEqual(resp.status, 200, resp)

    def bootstrap_key_id(self):
        resp = self.server.get(KEYS_PATH + "/current", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()["id"]

    def generate_token(self, account_id, token=None, **body):
        resp = self.server.post("/v1/accounts/%s/token" % account_id, body,
                                token=token or self.admin)
        self.assertEqual(resp.status, 201, resp)
        return resp.json()

    def role_names(self):
        resp = self.server.get("/v1/roles?limit=500", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return {role["name"] for role in resp.json()["items"]}


