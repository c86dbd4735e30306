"""A key's locale and time zone (docs/api.md "API keys"): the language of its messages, the zone its
times are rendered and read in."""

import calendar
import datetime
import unittest

from apikeys_common import ApiKeysTestCase, parse_time
from harness import JAPANESE_RE


class LocaleAndTimeZone(ApiKeysTestCase):

    def test_ja_jp_key_gets_japanese_messages_and_tokyo_times(self):
        ja = self.create_key(self.server, self.admin, "tokyo", role="Full Access",
                             locale="ja-JP", timeZone="Asia/Tokyo")
        # The create response is rendered for its caller (UTC); the key's own calls in Tokyo.
        self.assertTrue(ja["createdAt"].endswith("Z"), ja["createdAt"])
        own = self.server.get("/v1/apikeys/current", token=ja["secret"]).json()
        self.assertTrue(own["createdAt"].endswith("+09:00"), own["createdAt"])
        self.assertEqual(parse_time(own["createdAt"]), parse_time(ja["createdAt"]))
        admin_view = self.get_key(ja["id"])
        self.assertTrue(admin_view["createdAt"].endswith("Z"), admin_view["createdAt"])
        self.assertEqual(parse_time(admin_view["createdAt"]), parse_time(own["createdAt"]))

        for path in ("/v1/apikeys/999999", "/v1/apikeys?limit=0"):
            with self.subTest(path=path):
                ja_resp = self.server.get(path, token=ja["secret"])
                en_resp = self.server.get(path, token=self.admin)
                self.assertEqual(ja_resp.status, en_resp.status)
                self.assertIn(ja_resp.status, (400, 404))
                ja_error = ja_resp.json()["error"]
                en_error = en_resp.json()["error"]
                self.assertEqual(ja_error["code"], en_error["code"])  # codes never translated
                self.assertRegex(ja_error["message"], JAPANESE_RE)
                self.assertIsNone(JAPANESE_RE.search(en_error["message"]))
                self.assertNotEqual(ja_error["message"], en_error["message"])

    def test_request_time_without_offset_is_read_in_callers_zone(self):
        tokyo = self.create_key(self.server, self.admin, "tokyo-creator", role="Full Access",
                                timeZone="Asia/Tokyo")
        year = datetime.datetime.now().year + 2
        created = self.create_key(self.server, tokyo["secret"], "local-expiry",
                                  expiresAt="%d-01-01T09:00:00" % year)
        self.assertEqual(created["expiresAt"], "%d-01-01T09:00:00+09:00" % year)
        self.assertEqual(self.get_key(created["id"])["expiresAt"], "%d-01-01T00:00:00Z" % year)

    def test_nonexistent_local_time_is_400(self):
        ny = self.create_key(self.server, self.admin, "ny-creator", role="Full Access",
                             timeZone="America/New_York")
        year = datetime.datetime.now().year + 2
        # US daylight saving time starts on the second Sunday of March at 02:00: 02:30 that day
        # does not exist in New York.
        sundays = [d for d in range(1, 15) if calendar.weekday(year, 3, d) == calendar.SUNDAY]
        gap = "%d-03-%02dT02:30:00" % (year, sundays[1])
        resp = self.server.post("/v1/apikeys", {"name": "gap", "role": "Auditor",
                                                "expiresAt": gap}, token=ny["secret"])
        self.assert_error(resp, 400, "invalid_argument", field="expiresAt")

    def test_time_zone_change_changes_rendering(self):
        key = self.create_key(self.server, self.admin, "moving")
        self.server.patch("/v1/apikeys/" + key["id"], {"timeZone": "Asia/Tokyo"},
                          token=self.admin)
        own = self.server.get("/v1/apikeys/current", token=key["secret"]).json()
        self.assertTrue(own["createdAt"].endswith("+09:00"), own["createdAt"])


if __name__ == "__main__":
    unittest.main()
