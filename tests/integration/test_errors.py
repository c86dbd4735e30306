"""The error statuses and bodies of docs/api.md "Conventions" that the native key API can produce: 400,
404, 405, 409 and 413. The refusals of a credential (401) and of a permission (403) are in
test_auth_errors."""

import unittest

from apikeys_common import ErrorsTestCase, utc_in


class InvalidArgument(ErrorsTestCase):

    def test_private_address_in_allowlist_names_the_entry(self):
        resp = self.create({"name": "fenced", "role": "Auditor",
                            "allowedIps": ["8.8.8.8", "10.0.0.1"]})
        self.assert_error(resp, 400, "invalid_argument", field="allowedIps[1]")
        self.assertEqual(self.key_count(), 1, "a refused create left a key behind")

    def test_every_non_public_or_malformed_allowlist_entry_is_refused(self):
        bad = [
            "10.1.2.3", "172.16.0.1", "192.168.1.1",  # private
            "127.0.0.1",  # loopback
            "169.254.10.10",  # link-local
            "100.64.0.1",  # shared address space
            "192.0.2.1", "198.51.100.1", "203.0.113.1",  # documentation
            "198.18.0.1",  # benchmarking
            "224.0.0.1",  # multicast
            "240.0.0.1", "0.0.0.0",  # reserved / this network
            "0.0.0.0/0", "8.0.0.0/0",  # everything
            "*", "1.2.3.*",  # wildcards
            "08.8.8.8",  # leading zero
            "8.8.8.1/24",  # host bits set
            "8.8.8", "8.8.8.8/33", "256.1.1.1", "not an address", "",
        ]
        for entry in bad:
            with self.subTest(entry=entry):
                resp = self.create({"name": "fenced", "role": "Auditor",
                                    "allowedIps": ["1.1.1.1", entry]})
                self.assert_error(resp, 400, "invalid_argument", field="allowedIps[1]")

    def test_public_allowlist_entries_are_accepted(self):
        resp = self.create({"name": "public", "role": "Auditor",
                            "allowedIps": ["8.8.8.8", "8.8.4.0/24", "1.0.0.0/8"]})
        self.assertEqual(resp.status, 201, resp)

    def test_patch_allowlist_is_validated_too(self):
        key = self.create({"name": "later", "role": "Auditor"}).json()
        resp = self.server.patch("/v1/apikeys/" + key["id"], {"allowedIps": ["192.168.0.0/16"]},
                                 token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="allowedIps[0]")

    def test_name_rules(self):
        cases = [
            ("x" * 129, "too long"),
            ("\u00e9" * 129, "too long in code points"),
            ("", "empty"),
            ("tab\there", "control character"),
            ("new\nline", "control character"),
        ]
        for name, why in cases:
            with self.subTest(why=why):
                resp = self.create({"name": name, "role": "Auditor"})
                self.assert_error(resp, 400, "invalid_argument", field="name")

    def test_name_of_128_code_points_is_accepted(self):
        # 128 code points but 256 bytes of UTF-8: the limit counts code points.
        resp = self.create({"name": "\u00e9" * 128, "role": "Auditor"})
        self.assertEqual(resp.status, 201, resp)
        resp = self.create({"name": "y" * 128, "role": "Auditor"})
        self.assertEqual(resp.status, 201, resp)

    def test_bad_locale(self):
        for locale in ("fr-FR", "en", "ja_JP", ""):
            with self.subTest(locale=locale):
                resp = self.create({"name": "l", "role": "Auditor", "locale": locale})
                self.assert_error(resp, 400, "invalid_argument", field="locale")

    def test_bad_time_zone(self):
        for zone in ("Mars/Olympus_Mons", "Asia/Tokio", "+09:00", ""):
            with self.subTest(zone=zone):
                resp = self.create({"name": "tz", "role": "Auditor", "timeZone": zone})
                self.assert_error(resp, 400, "invalid_argument", field="timeZone")

    def test_bad_expiry(self):
        for value in (utc_in(-3600), "tomorrow", "2099-13-01T00:00:00Z"):
            with self.subTest(value=value):
                resp = self.create({"name": "e", "role": "Auditor", "expiresAt": value})
                self.assert_error(resp, 400, "invalid_argument", field="expiresAt")

    def test_bad_limit(self):
        for limit in ("0", "501", "-1", "abc", "1.5", ""):
            with self.subTest(limit=limit):
                resp = self.server.get("/v1/apikeys?limit=" + limit, token=self.admin)
                self.assert_error(resp, 400, "invalid_argument", field="limit")
                resp = self.server.get("/v1/roles?limit=" + limit, token=self.admin)
                self.assert_error(resp, 400, "invalid_argument", field="limit")

    def test_bad_cursor(self):
        resp = self.server.get("/v1/apikeys?cursor=%21%21not-a-cursor", token=self.admin)
        self.assert_error(resp, 400, "invalid_argument")

    def test_wrong_types(self):
        cases = [
            ({"name": 5, "role": "Auditor"}, "name"),
            ({"name": "t", "role": "Auditor", "enabled": "yes"}, "enabled"),
            ({"name": "t", "role": "Auditor", "allowedIps": "8.8.8.8"}, "allowedIps"),
            ({"name": "t", "role": "Auditor", "allowedIps": ["8.8.8.8", 5]}, "allowedIps[1]"),
            ({"name": "t", "role": ["Auditor"]}, "role"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                self.assert_error(self.create(body), 400, "invalid_argument", field=field)

    def test_missing_required_fields(self):
        self.assert_error(self.create({"role": "Auditor"}), 400, "invalid_argument", field="name")
        self.assert_error(self.create({"name": "norole"}), 400, "invalid_argument", field="role")

    def test_body_not_an_object(self):
        resp = self.server.request("POST", "/v1/apikeys", token=self.admin, raw='["a"]')
        self.assertEqual(resp.status, 400, resp)
        self.assertIn(resp.json()["error"]["code"], ("invalid_argument", "malformed_json"))

    def test_malformed_json(self):
        for raw in ('{"name": "x", "role": ', "{'name': 'x'}", "not json", '{"name": "x",}'):
            with self.subTest(raw=raw):
                resp = self.server.request("POST", "/v1/apikeys", token=self.admin, raw=raw)
                self.assert_error(resp, 400, "malformed_json")
        self.assertEqual(self.key_count(), 1)

    def test_malformed_json_on_patch(self):
        key = self.create({"name": "p", "role": "Auditor"}).json()
        resp = self.server.request("PATCH", "/v1/apikeys/" + key["id"], token=self.admin,
                                   raw="{")
        self.assert_error(resp, 400, "malformed_json")

    def test_unknown_field(self):
        resp = self.create({"name": "u", "role": "Auditor", "colour": "blue"})
        self.assert_error(resp, 400, "invalid_argument", field="colour")
        key = self.create({"name": "u2", "role": "Auditor"}).json()
        resp = self.server.patch("/v1/apikeys/" + key["id"], {"secret": "x"}, token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="secret")
        resp = self.server.post("/v1/apikeys/%s/rotate" % key["id"], {"grace": 5},
                                token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="grace")
        resp = self.server.post("/v1/apikeys/delete", {"ids": [], "force": True},
                                token=self.admin)
        self.assert_error(resp, 400, "invalid_argument", field="force")

    def test_two_credentials(self):
        other = self.create({"name": "second", "role": "Auditor"}).json()["secret"]
        resp = self.server.get("/v1/apikeys/current",
                               headers={"Authorization": "Bearer " + self.admin,
                                        "api-secret-key": other})
        self.assert_error(resp, 400, "invalid_argument")

    def test_same_credential_in_both_headers_is_one_credential(self):
        # docs/api.md: two *different* credentials are refused; the same token under both header
        # names is still one credential.
        resp = self.server.get("/v1/apikeys/current",
                               headers={"Authorization": "Bearer " + self.admin,
                                        "api-secret-key": self.admin})
        self.assertEqual(resp.status, 200, resp)

    def test_token_in_query_string(self):
        for param in ("api_key", "token", "access_token", "apikey"):
            with self.subTest(param=param):
                resp = self.server.get("/v1/apikeys?%s=%s" % (param, self.admin))
                self.assert_error(resp, 400, "invalid_argument")
                self.assertNotIn(self.admin, resp.text)
        # Refused even next to a valid header credential, and under any parameter name.
        resp = self.server.get("/v1/apikeys?x=" + self.admin, token=self.admin)
        self.assert_error(resp, 400, "invalid_argument")
        self.assertNotIn(self.admin, resp.text)


class NotFound(ErrorsTestCase):

    def test_unknown_and_non_numeric_ids(self):
        for key_id in ("999999", "abc", "0", "-1", "1.0", "%20", "99999999999999999999999"):
            with self.subTest(key_id=key_id):
                resp = self.server.get("/v1/apikeys/" + key_id, token=self.admin)
                self.assert_error(resp, 404, "not_found")
                resp = self.server.patch("/v1/apikeys/" + key_id, {"description": "x"},
                                         token=self.admin)
                self.assert_error(resp, 404, "not_found")
                resp = self.server.delete("/v1/apikeys/" + key_id, token=self.admin)
                self.assert_error(resp, 404, "not_found")

    def test_unknown_path(self):
        for path in ("/v1/nothing", "/v2/apikeys", "/v1/apikeys/1/explode"):
            with self.subTest(path=path):
                resp = self.server.get(path, token=self.admin)
                self.assert_error(resp, 404, "not_found")


class MethodNotAllowed(ErrorsTestCase):

    def test_wrong_method(self):
        cases = [("DELETE", "/v1/apikeys"), ("PUT", "/v1/apikeys/1"),
                 ("GET", "/v1/apikeys/1/rotate"), ("POST", "/v1/apikeys/current"),
                 ("PATCH", "/v1/roles")]
        for method, path in cases:
            with self.subTest(method=method, path=path):
                resp = self.server.request(method, path, token=self.admin)
                self.assertEqual(resp.status, 405, resp)
                self.assertIsNotNone(resp.header("Allow"), resp)
                body = resp.json()
                self.assertEqual(set(body.keys()), {"error"})
                self.assertTrue({"code", "message"} <= set(body["error"].keys()))
        resp = self.server.request("DELETE", "/v1/apikeys", token=self.admin)
        allowed = {m.strip() for m in resp.header("Allow").split(",")}
        self.assertEqual(allowed, {"GET", "POST"})


class Conflict(ErrorsTestCase):

    def test_same_name_in_different_ascii_case(self):
        self.assertEqual(self.create({"name": "Deploy Bot", "role": "Auditor"}).status, 201)
        for name in ("Deploy Bot", "deploy bot", "DEPLOY BOT"):
            with self.subTest(name=name):
                resp = self.create({"name": name, "role": "Auditor"})
                self.assert_error(resp, 409, "already_exists")
        self.assertEqual(self.key_count(), 2)

    def test_rename_to_existing_name(self):
        self.create({"name": "taken", "role": "Auditor"})
        other = self.create({"name": "other", "role": "Auditor"}).json()
        resp = self.server.patch("/v1/apikeys/" + other["id"], {"name": "TAKEN"},
                                 token=self.admin)
        self.assert_error(resp, 409, "already_exists")
        # Renaming a key to its own name, in another case, is not a conflict with itself.
        resp = self.server.patch("/v1/apikeys/" + other["id"], {"name": "OTHER"},
                                 token=self.admin)
        self.assertEqual(resp.status, 200, resp)

    def test_non_ascii_letters_compared_exactly(self):
        self.assertEqual(self.create({"name": "\u00c4rger", "role": "Auditor"}).status, 201)
        # "Ä" and "ä" are different characters (only ASCII letters fold).
        self.assertEqual(self.create({"name": "\u00e4rger", "role": "Auditor"}).status, 201)
        self.assert_error(self.create({"name": "\u00c4RGER", "role": "Auditor"}), 409,
                          "already_exists")

    def disable_bootstrap_account(self):
        # The bootstrap account admin@localhost is a Master Administrator credential too; with it
        # disabled, the bootstrap key is the last one.
        accounts = self.server.get("/v1/accounts", token=self.admin).json()["items"]
        admin = [a for a in accounts if a["email"] == "admin@localhost"][0]
        resp = self.server.post("/v1/accounts/%s/disable" % admin["id"], token=self.admin)
        self.assertEqual(resp.status, 200, resp)

    def test_last_master_administrator(self):
        self.disable_bootstrap_account()
        admin_id = self.server.get("/v1/apikeys/current", token=self.admin).json()["id"]
        for method, path, body in (("POST", "/v1/apikeys/%s/disable" % admin_id, None),
                                   ("POST", "/v1/apikeys/%s/lock" % admin_id, None),
                                   ("PATCH", "/v1/apikeys/" + admin_id, {"role": "Full Access"}),
                                   ("DELETE", "/v1/apikeys/" + admin_id, None),
                                   ("POST", "/v1/apikeys/delete", {"ids": [admin_id]})):
            with self.subTest(method=method, path=path):
                resp = self.server.request(method, path, body=body, token=self.admin)
                self.assert_error(resp, 409, "last_master_administrator")
        current = self.server.get("/v1/apikeys/current", token=self.admin)
        self.assertEqual(current.status, 200)
        self.assertEqual(current.json()["role"]["name"], "Master Administrator")

    def test_second_master_administrator_lifts_the_rule(self):
        self.disable_bootstrap_account()
        admin_id = self.server.get("/v1/apikeys/current", token=self.admin).json()["id"]
        second = self.create({"name": "admin2", "role": "Master Administrator"}).json()
        resp = self.server.post("/v1/apikeys/%s/disable" % admin_id, token=second["secret"])
        self.assertEqual(resp.status, 200, resp)
        # Now the second one is the last.
        resp = self.server.post("/v1/apikeys/%s/disable" % second["id"], token=second["secret"])
        self.assert_error(resp, 409, "last_master_administrator")


class PayloadTooLarge(ErrorsTestCase):

    def test_70_kib_body(self):
        body = {"name": "big", "role": "Auditor", "description": "d" * (70 * 1024)}
        resp = self.create(body)
        self.assert_error(resp, 413, "payload_too_large")
        self.assertEqual(self.key_count(), 1)
        # The server still answers.
        self.assertEqual(self.server.get("/healthz").status, 200)


if __name__ == "__main__":
    unittest.main()
