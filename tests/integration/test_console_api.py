"""What the API gives the web console, against the real server: the permissions of a console
session (docs/accounts.md "Console sign-in"), the key list's time filters and the key summary
(docs/api.md "API keys"). Times in the past exist only as the real clock makes them, so the
filters are asked with bounds around now; core's unit tests check each boundary on a fixed
clock."""

import datetime
import time
import unittest
import urllib.parse

from accounts_common import AccountsTestCase
from apikeys_common import ApiKeysTestCase, utc_in
from harness import BOOTSTRAP_EMAIL

LONG_AGO = "2000-01-01T00:00:00Z"


def in_tokyo(seconds):
    """Now + `seconds` written with a +09:00 offset."""
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    t = datetime.datetime.now(tokyo) + datetime.timedelta(seconds=seconds)
    return t.replace(microsecond=0).isoformat()


class SessionPermissions(AccountsTestCase):

    def catalogue(self):
        resp = self.server.get("/v1/permissions", token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return [item["name"] for item in resp.json()["items"]]

    def test_master_administrator_session_holds_the_whole_catalogue(self):
        resp, session = self.server.sign_in(BOOTSTRAP_EMAIL, self.admin_otp)
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(resp.json()["permissions"], self.catalogue())
        me = session.get("/v1/session")
        self.assertEqual(me.status, 200, me)
        self.assertEqual(me.json()["permissions"], self.catalogue())

    def test_auditor_session_holds_every_view_permission(self):
        _, session = self.person("reader@example.com", role="Auditor")
        views = [name for name in self.catalogue() if name.endswith(":view")]
        self.assertEqual(session.get("/v1/session").json()["permissions"], views)

    def test_custom_role_session_lists_its_free_form_permissions_and_follows_a_role_change(self):
        self.create_role(self.server, self.admin, "Orders", ["orders:read", "apikeys:view"])
        account, session = self.person("orders@example.com", role="Orders")
        self.assertEqual(session.get("/v1/session").json()["permissions"],
                         ["apikeys:view", "orders:read"])
        resp = self.server.patch("/v1/accounts/" + account["id"], {"role": "Full Access"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        full = [name for name in self.catalogue() if name != "accounts:tokens"]
        self.assertEqual(session.get("/v1/session").json()["permissions"], full)

    def test_a_key_made_with_a_console_session_has_the_source_console(self):
        _, session = self.person("maker@example.com", role="Full Access")
        resp = session.post("/v1/apikeys", {"name": "Made in the console", "role": "Auditor"})
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(resp.json()["source"], "console")
        resp = self.server.post("/v1/apikeys", {"name": "Made with a key", "role": "Auditor"},
                                token=self.admin)
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(resp.json()["source"], "api")
        listed = self.server.get("/v1/apikeys?source=console", token=self.admin).json()["items"]
        self.assertEqual([k["name"] for k in listed], ["Made in the console"])


class KeyListTimeFilters(ApiKeysTestCase):

    def ids(self, query):
        resp = self.server.get("/v1/apikeys?" + query, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        return [item["id"] for item in resp.json()["items"]]

    def wait_until_used(self, key_id):
        """Last-used times are written behind (about once a second): wait for this key's."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.get_key(key_id)["lastUsedAt"] is not None:
                return
            time.sleep(0.25)
        self.fail("key %s never showed a last use" % key_id)

    def test_expires_before_lists_keys_expiring_before_the_time(self):
        soon = self.create_key(self.server, self.admin, "soon", expiresAt=utc_in(86400))
        later = self.create_key(self.server, self.admin, "later", expiresAt=utc_in(10 * 86400))
        self.create_key(self.server, self.admin, "never")
        self.assertEqual(self.ids("expiresBefore=" + utc_in(5 * 86400)), [soon["id"]])
        self.assertEqual(self.ids("expiresBefore=" + utc_in(20 * 86400)),
                         [later["id"], soon["id"]])
        # An offset, percent-encoded as a query string needs its "+".
        bound = urllib.parse.quote(in_tokyo(5 * 86400), safe="")
        self.assertEqual(self.ids("expiresBefore=" + bound), [soon["id"]])
        self.assertEqual(self.ids("expiresBefore=" + LONG_AGO), [])

    def test_last_used_before_includes_keys_never_used(self):
        unused = self.create_key(self.server, self.admin, "unused")
        used = self.create_key(self.server, self.admin, "used")
        self.assertTrue(self.works(used["secret"]))
        admin_id = self.get_key_id()
        self.wait_until_used(used["id"])
        self.wait_until_used(admin_id)
        self.assertEqual(self.ids("lastUsedBefore=" + utc_in(3600)),
                         [used["id"], unused["id"], admin_id])
        self.assertEqual(self.ids("lastUsedBefore=" + LONG_AGO), [unused["id"]])

    def test_secret_rotated_before_counts_keys_never_rotated_from_creation(self):
        plain = self.create_key(self.server, self.admin, "plain")
        rotated = self.create_key(self.server, self.admin, "rotated")
        resp = self.server.post("/v1/apikeys/%s/rotate" % rotated["id"], {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        admin_id = self.get_key_id()
        self.assertEqual(self.ids("secretRotatedBefore=" + utc_in(3600)),
                         [rotated["id"], plain["id"], admin_id])
        self.assertEqual(self.ids("secretRotatedBefore=" + LONG_AGO), [])

    def test_time_filters_combine_with_the_other_filters_and_page(self):
        wanted = []
        for i in range(5):
            wanted.append(self.create_key(self.server, self.admin, "match %d" % i,
                                          expiresAt=utc_in(86400))["id"])
            self.create_key(self.server, self.admin, "far %d" % i, expiresAt=utc_in(90 * 86400))
            self.create_key(self.server, self.admin, "off %d" % i, expiresAt=utc_in(86400),
                            enabled=False)
        query = ("expiresBefore=%s&lastUsedBefore=%s&status=enabled&q=MATCH&limit=2"
                 % (utc_in(2 * 86400), utc_in(3600)))
        seen, cursor = [], None
        for _ in range(10):
            page = self.server.get("/v1/apikeys?" + query + ("&cursor=" + cursor if cursor else ""),
                                   token=self.admin)
            self.assertEqual(page.status, 200, page)
            self.assertLessEqual(len(page.json()["items"]), 2)
            seen.extend(item["id"] for item in page.json()["items"])
            cursor = page.json()["nextCursor"]
            if cursor is None:
                break
        self.assertEqual(seen, list(reversed(wanted)))

    def test_bad_time_is_400_naming_the_parameter(self):
        for param in ("expiresBefore", "lastUsedBefore", "secretRotatedBefore"):
            for bad in ("tomorrow", "1969-12-31T23:59:59Z", ""):
                with self.subTest(param=param, value=bad):
                    resp = self.server.get("/v1/apikeys?%s=%s" % (param, bad), token=self.admin)
                    self.assert_error(resp, 400, "invalid_argument", field=param)

    def get_key_id(self):
        return self.server.get("/v1/apikeys/current", token=self.admin).json()["id"]


class KeySummary(ApiKeysTestCase):

    def summary(self, token=None):
        resp = self.server.get("/v1/apikeys/summary", token=token or self.admin)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    def test_summary_counts_every_key_the_list_shows(self):
        admin_id = self.server.get("/v1/apikeys/current", token=self.admin).json()["id"]
        self.create_key(self.server, self.admin, "expiring", expiresAt=utc_in(86400))
        self.create_key(self.server, self.admin, "far", expiresAt=utc_in(40 * 86400))
        self.create_key(self.server, self.admin, "off", enabled=False)
        locked = self.create_key(self.server, self.admin, "locked")
        resp = self.server.post("/v1/apikeys/%s/lock" % locked["id"], {}, token=self.admin)
        self.assertEqual(resp.status, 200, resp)
        self.create_key(self.server, self.admin, "brief", expiresAt=utc_in(2))
        # An account's token is a key the list shows: the summary counts it too.
        account = self.create_account(self.server, self.admin, "tokened@example.com")
        resp = self.server.post("/v1/accounts/%s/token" % account["id"], {}, token=self.admin)
        self.assertEqual(resp.status, 201, resp)
        # Wait for "brief" to expire and for the admin key's use to be written behind.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if (self.get_key(admin_id)["lastUsedAt"] is not None
                    and self.summary()["byStatus"]["expired"] == 1):
                break
            time.sleep(0.25)

        summary = self.summary()
        listed = self.server.get("/v1/apikeys?limit=500", token=self.admin).json()["items"]
        self.assertEqual(sum(summary["byStatus"].values()), len(listed))
        self.assertEqual(summary["byStatus"],
                         {"enabled": 4, "disabled": 1, "expired": 1, "locked_out": 1})
        self.assertEqual(summary["byStatus"]["enabled"],
                         sum(1 for key in listed if key["status"] == "enabled"))
        self.assertEqual(summary["expiringWithin30Days"], 1)
        self.assertEqual(summary["unusedFor90Days"], 6)  # every key but the admin's
        self.assertEqual(summary["secretOlderThan90Days"], 0)
        self.assertEqual(set(summary), {"byStatus", "expiringWithin30Days", "unusedFor90Days",
                                        "secretOlderThan90Days"})

    def test_summary_needs_apikeys_view(self):
        auditor = self.create_key(self.server, self.admin, "auditor", role="Auditor")
        self.assertEqual(self.summary(auditor["secret"])["byStatus"]["enabled"], 2)
        self.create_role(self.server, self.admin, "Verifiers", ["keys:verify"])
        verifier = self.create_key(self.server, self.admin, "verifier", role="Verifiers")
        resp = self.server.get("/v1/apikeys/summary", token=verifier["secret"])
        self.assert_error(resp, 403, "permission_denied")


if __name__ == "__main__":
    unittest.main()
