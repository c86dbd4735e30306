"""The Vision One dialect (docs/vision-one.md) against the real server, with the requests Trend's
Python SDK (pytmv1) sends: `Authorization: Bearer <token>`, `Content-Type:
application/json;charset=utf-8` and its User-Agent on every call. Keys made here are checked
through the native API too (same ids, names, roles), and every change is in the audit trail."""

import datetime
import json
import re
import threading
import time
import unittest
import urllib.parse

from harness import TOKEN_RE, KeywardTestCase

BASE = "/v3.0/iam/apiKeys"
KEY_FIELDS = ("id", "name", "description", "role", "status", "expiredDateTime",
              "lastUsedDateTime", "createdDateTime")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ETAG = re.compile(r'^"[0-9a-f]{32}"$')
CODES = {400: "BadRequest", 401: "Unauthorized", 403: "AccessDenied", 404: "NotFound",
         405: "MethodNotAllowed", 409: "Conflict", 412: "PreconditionFailed",
         428: "PreconditionRequired", 429: "TooManyRequests", 500: "InternalServerError"}


def add_months(t, months):
    year = t.year + (t.month - 1 + months) // 12
    month = (t.month - 1 + months) % 12 + 1
    for day in (t.day, 30, 29, 28):
        try:
            return t.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("no day")


class VisionOneTestCase(KeywardTestCase):
    server_args = ()

    def setUp(self):
        super().setUp()
        self.server = self.start_server(extra_args=list(self.server_args))
        self.master = self.server.bootstrap_key()

    # --- the SDK's requests ---

    def v1call(self, method, path, token, body=None, headers=None):
        all_headers = {"Authorization": "Bearer " + token,
                       "Content-Type": "application/json;charset=utf-8",
                       "User-Agent": "keyward-integration-PyTMV1/0.8.0"}
        all_headers.update(headers or {})
        raw = None if body is None else json.dumps(body)
        return self.server.request(method, path, raw=raw, headers=all_headers)

    def create(self, items, token=None, expect=207):
        resp = self.v1call("POST", BASE, token or self.master, items)
        self.assertEqual(resp.status, expect, resp.text)
        self.assertTrue(resp.header("Content-Type").startswith("application/json"), resp)
        return resp.json()

    def create_one(self, name, role="Auditor", months=0, **fields):
        item = {"name": name, "role": role, "monthsToExpiration": months}
        item.update(fields)
        results = self.create([item])
        self.assertEqual(results[0]["status"], 201, results)
        return results[0]["body"]

    def get(self, key_id, token=None):
        resp = self.v1call("GET", BASE + "/" + key_id, token or self.master)
        self.assertEqual(resp.status, 200, resp.text)
        return resp.json(), resp.header("ETag")

    def native_key(self, key_id):
        resp = self.server.get("/v1/apikeys/" + key_id, token=self.master)
        self.assertEqual(resp.status, 200, resp.text)
        return resp.json()

    # --- shapes ---

    def assert_key(self, key):
        self.assertEqual(set(key), set(KEY_FIELDS), key)
        for field in KEY_FIELDS:
            self.assertIsInstance(key[field], str, "%s: %r" % (field, key[field]))
        self.assertRegex(key["id"], r"^[1-9][0-9]*$")
        self.assertIn(key["status"], ("enabled", "disabled"))
        self.assertRegex(key["createdDateTime"], ISO_UTC)
        for field in ("expiredDateTime", "lastUsedDateTime"):
            if key[field]:
                self.assertRegex(key[field], ISO_UTC, field)

    def assert_vo_error(self, resp_or_body, status, message=None, contains=None):
        if isinstance(resp_or_body, dict):
            body = resp_or_body
        else:
            self.assertEqual(resp_or_body.status, status, resp_or_body.text)
            self.assertTrue(resp_or_body.header("Content-Type").startswith("application/json"))
            body = resp_or_body.json()
        self.assertEqual(set(body), {"error"}, body)
        error = body["error"]
        self.assertEqual(set(error), {"code", "message", "number"}, body)
        self.assertEqual(error["code"], CODES[status], body)
        self.assertEqual(error["number"], status, body)
        self.assertIsInstance(error["message"], str)
        self.assertTrue(error["message"])
        if message is not None:
            self.assertEqual(error["message"], message, body)
        if contains is not None:
            self.assertIn(contains, error["message"], body)
        return error

    def list_all(self, query, headers=None, resend=True, sdk=False):
        """Follows nextLink to the end; returns (items, pages). With `sdk`, as the Python SDK
        follows it: the link's path with only `skipToken` (the text after the query's last "="),
        and no headers but its own."""
        items, pages = [], []
        path = BASE + query
        for _ in range(100):
            resp = self.v1call("GET", path, self.master, headers=headers if (resend or not pages)
                               else None)
            self.assertEqual(resp.status, 200, resp.text)
            page = resp.json()
            pages.append(page)
            self.assertLessEqual(set(page), {"items", "totalCount", "count", "nextLink"}, page)
            self.assertIsInstance(page["totalCount"], int)
            self.assertIsInstance(page["count"], int)
            self.assertEqual(page["count"], len(page["items"]))
            for key in page["items"]:
                self.assert_key(key)
            items.extend(page["items"])
            if "nextLink" not in page:
                return items, pages
            link = urllib.parse.urlsplit(page["nextLink"])
            self.assertEqual(link.scheme, "http")
            self.assertEqual(link.netloc, "127.0.0.1:%d" % self.server.port)
            self.assertEqual(link.path, BASE)
            if sdk:
                path = link.path + "?" + urllib.parse.urlencode(
                    {"skipToken": link.query.split("=")[-1]})
                resend = False
            else:
                path = link.path + "?" + link.query
        self.fail("nextLink never ended")


class Create(VisionOneTestCase):

    def test_good_items_are_made_when_others_fail(self):
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        results = self.create([
            {"name": "vo-auditor", "role": "Auditor", "monthsToExpiration": 0},
            {"name": "vo-full", "role": "Full Access", "monthsToExpiration": 3,
             "description": "three months", "status": "disabled"},
            {"name": "vo-master", "role": "Master Administrator", "monthsToExpiration": 1},
            {"name": "vo-nobody", "role": "No Such Role", "monthsToExpiration": 1},
            {"name": "vo-two", "role": "Auditor", "monthsToExpiration": 2},
            {"name": "vo-auditor", "role": "Auditor", "monthsToExpiration": 0},
            {"name": "vo-extra", "role": "Auditor", "monthsToExpiration": 0, "locale": "ja-JP"},
            "not an object",
            {"name": "vo-last", "role": "auditor", "monthsToExpiration": 12},
        ])
        self.assertEqual([r["status"] for r in results], [201, 201, 400, 400, 400, 409, 400, 400,
                                                         201])
        for r in results:
            if r["status"] == 201:
                self.assertEqual(set(r), {"status", "body"})
                self.assertEqual(set(r["body"]), {"id", "value", "expiredDateTime"}, r)
                for field in ("id", "value", "expiredDateTime"):
                    self.assertIsInstance(r["body"][field], str)
                self.assertRegex(r["body"]["value"], TOKEN_RE)
            else:
                self.assertEqual(set(r), {"status", "body"})
                self.assert_vo_error(r["body"], r["status"])
        self.assertIn("Master Administrator", results[2]["body"]["error"]["message"])
        self.assertIn("No Such Role", results[3]["body"]["error"]["message"])
        self.assertIn("monthsToExpiration", results[4]["body"]["error"]["message"])
        self.assertIn("vo-auditor", results[5]["body"]["error"]["message"])
        self.assertIn("locale", results[6]["body"]["error"]["message"])

        auditor, full, last = results[0]["body"], results[1]["body"], results[8]["body"]
        self.assertEqual(auditor["expiredDateTime"], "")
        expiry = datetime.datetime.fromisoformat(full["expiredDateTime"].replace("Z", "+00:00"))
        after = datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(add_months(before, 3) <= expiry <= add_months(after, 3), expiry)
        # The same objects in the native API: same id, name, role, state.
        native = self.native_key(auditor["id"])
        self.assertEqual((native["name"], native["role"]["name"], native["enabled"]),
                         ("vo-auditor", "Auditor", True))
        self.assertIsNone(native["expiresAt"])
        native = self.native_key(full["id"])
        self.assertEqual((native["name"], native["role"]["name"], native["enabled"],
                          native["description"]),
                         ("vo-full", "Full Access", False, "three months"))
        self.assertEqual(datetime.datetime.fromisoformat(native["expiresAt"].replace("Z", "+00:00")),
                         expiry)
        self.assertEqual(self.native_key(last["id"])["role"]["name"], "Auditor")
        # The value is a token that works at once, on the native API and in the dialect.
        current = self.server.get("/v1/apikeys/current", token=auditor["value"])
        self.assertEqual(current.status, 200, current.text)
        self.assertEqual(current.json()["id"], auditor["id"])
        mine, _ = self.get(auditor["id"], token=auditor["value"])
        self.assertEqual(mine["name"], "vo-auditor")
        # The failed items made nothing.
        names = [k["name"] for k in self.server.get("/v1/apikeys?limit=500",
                                                    token=self.master).json()["items"]]
        self.assertEqual(sorted(n for n in names if n.startswith("vo-")),
                         ["vo-auditor", "vo-full", "vo-last"])
        # One audit event per created key, by the calling key.
        events = self.audit_events(self.server, self.master, action="apikey.create")
        targets = {e["target"] for e in events}
        for r in (auditor, full, last):
            self.assertIn("apikey:" + r["id"], targets)
        for e in events:
            self.assertNotIn(auditor["value"], json.dumps(e))

    def test_whole_request_errors(self):
        for body in ([], {"name": "x"}, "text", [{}] * 101):
            with self.subTest(body=str(body)[:30]):
                self.assert_vo_error(self.v1call("POST", BASE, self.master, body), 400)
        resp = self.server.request("POST", BASE, raw="[{", headers={
            "Authorization": "Bearer " + self.master})
        self.assert_vo_error(resp, 400)
        resp = self.server.request("POST", BASE, raw='[{"name":"a","name":"b"}]', headers={
            "Authorization": "Bearer " + self.master})
        self.assert_vo_error(resp, 400, contains="name")

    def test_authentication_and_permission(self):
        resp = self.v1call("GET", BASE, "kw_notarealtoken")
        error = self.assert_vo_error(resp, 401, message="invalid or missing API key")
        self.assertTrue(resp.header("WWW-Authenticate").startswith("Bearer"))
        resp = self.server.request("GET", BASE, headers={"User-Agent": "pytmv1"})
        self.assert_vo_error(resp, 401)
        auditor = self.create_one("vo-reader")["value"]
        self.assertEqual(self.v1call("GET", BASE, auditor).status, 200)
        resp = self.v1call("POST", BASE, auditor,
                           [{"name": "no", "role": "Auditor", "monthsToExpiration": 0}])
        self.assert_vo_error(resp, 403, contains="apikeys:create")
        resp = self.v1call("POST", BASE + "/delete", auditor, [{"id": "1"}])
        self.assert_vo_error(resp, 403, contains="apikeys:delete")
        # A credential in the query string is refused before anything else.
        resp = self.v1call("GET", BASE + "?api_key=" + self.master, self.master)
        self.assert_vo_error(resp, 400)
        self.assertNotIn(self.master, resp.text)
        del error

    def test_routing_errors(self):
        self.assert_vo_error(self.v1call("GET", "/v3.0/iam/nothing", self.master), 404)
        resp = self.v1call("DELETE", BASE, self.master)
        self.assert_vo_error(resp, 405)
        self.assertIn("GET", resp.header("Allow"))
        # "delete" is a literal segment, never an id.
        resp = self.v1call("GET", BASE + "/delete", self.master)
        self.assert_vo_error(resp, 405)
        self.assertEqual(resp.header("Allow"), "POST")
        self.assert_vo_error(self.v1call("GET", BASE + "/999999", self.master), 404)
        self.assert_vo_error(self.v1call("GET", BASE + "/abc", self.master), 404)


class List(VisionOneTestCase):

    def make_keys(self):
        items = [{"name": "list-%02d" % i, "role": "Auditor" if i % 2 else "Full Access",
                  "monthsToExpiration": 0, "description": "n%d" % i} for i in range(7)]
        items[3]["status"] = "disabled"
        items[4]["description"] = "it's"
        results = self.create(items)
        self.assertEqual({r["status"] for r in results}, {201})
        return [r["body"]["id"] for r in results]

    def test_paging_follows_next_link_to_the_end(self):
        ids = self.make_keys()
        every = ids + [self.native_key("1")["id"]]
        items, pages = self.list_all("?top=3")
        self.assertEqual([p["count"] for p in pages], [3, 3, 2])
        self.assertEqual({p["totalCount"] for p in pages}, {8})
        self.assertEqual(sorted(k["id"] for k in items), sorted(every))
        # Default order: createdDateTime desc (ties: newest id first).
        created = [(k["createdDateTime"], int(k["id"])) for k in items]
        self.assertEqual(created, sorted(created, reverse=True))
        items, pages = self.list_all("?top=3&orderBy=" +
                                     urllib.parse.quote("createdDateTime asc"))
        created = [(k["createdDateTime"], int(k["id"])) for k in items]
        self.assertEqual(created, sorted(created))
        # As the SDK follows nextLink (the token alone): the token keeps top and orderBy.
        sdk_items, sdk_pages = self.list_all(
            "?top=3&orderBy=" + urllib.parse.quote("createdDateTime asc"), sdk=True)
        self.assertEqual([k["id"] for k in sdk_items], [k["id"] for k in items])
        self.assertEqual([p["count"] for p in sdk_pages], [3, 3, 2])
        # A top or orderBy sent along with a token must be the token's.
        token = urllib.parse.urlsplit(pages[0]["nextLink"]).query.split("=")[-1]
        resp = self.v1call("GET", BASE + "?top=4&skipToken=" + token, self.master)
        self.assert_vo_error(resp, 400, contains="skipToken")
        resp = self.v1call("GET", BASE + "?orderBy=name&skipToken=" + token, self.master)
        self.assert_vo_error(resp, 400, contains="skipToken")
        items, _ = self.list_all("?top=50&orderBy=" + urllib.parse.quote("name desc"))
        names = [k["name"].lower() for k in items]
        self.assertEqual(names, sorted(names, reverse=True))
        page = self.v1call("GET", BASE, self.master).json()
        self.assertEqual((page["count"], page["totalCount"]), (8, 8))
        self.assertNotIn("nextLink", page)
        # The values the SDK sends are accepted.
        for top in ("50", "100", "200"):
            self.assertEqual(self.v1call("GET", BASE + "?top=" + top, self.master).status, 200)

    def test_bad_query_names_the_parameter(self):
        for query, name in (("?top=0", "top"), ("?top=201", "top"), ("?top=abc", "top"),
                            ("?orderBy=created", "orderBy"),
                            ("?orderBy=" + urllib.parse.quote("name sideways"), "orderBy"),
                            ("?skipToken=zz!", "skipToken")):
            with self.subTest(query=query):
                self.assert_vo_error(self.v1call("GET", BASE + query, self.master), 400,
                                     contains=name)

    def filtered(self, text, top=50):
        items, pages = self.list_all("?top=%d" % top, headers={"TMV1-Filter": text})
        return sorted(k["name"] for k in items), pages

    def test_filter_forms(self):
        ids = self.make_keys()
        self.assertEqual(self.filtered("status eq 'disabled'")[0], ["list-03"])
        self.assertEqual(self.filtered("name eq 'list-01' or name eq 'list-02'")[0],
                         ["list-01", "list-02"])
        self.assertEqual(self.filtered("id eq '%s'" % ids[5])[0], ["list-05"])
        self.assertEqual(self.filtered("description eq 'it''s'")[0], ["list-04"])
        self.assertEqual(
            self.filtered("role eq 'Auditor' and not (name eq 'list-01' or name eq 'list-03')")[0],
            ["list-05"])
        self.assertEqual(
            self.filtered("name eq 'list-00' or name eq 'list-01' and status eq 'disabled'")[0],
            ["list-00"])
        self.assertEqual(self.filtered("NAME eq 'x'".replace("NAME", "name"))[0], [])
        self.assertEqual(self.filtered("name eq 'LIST-00'")[0], [])  # values are case-sensitive
        self.assertEqual(len(self.filtered("not status eq 'disabled'")[0]), 7)
        # Paging keeps the filter, whether or not the header is sent again.
        names, pages = self.filtered("role eq 'Full Access'", top=2)
        self.assertEqual(names, ["list-00", "list-02", "list-04", "list-06"])
        self.assertEqual([p["totalCount"] for p in pages], [4, 4])
        items, pages = self.list_all("?top=2", headers={"TMV1-Filter": "role eq 'Full Access'"},
                                     sdk=True)
        self.assertEqual(sorted(k["name"] for k in items), names)
        # A different filter with a token made for another is refused.
        link = urllib.parse.urlsplit(pages[0]["nextLink"])
        resp = self.v1call("GET", link.path + "?" + link.query, self.master,
                           headers={"TMV1-Filter": "role eq 'Auditor'"})
        self.assert_vo_error(resp, 400, contains="skipToken")

    def test_bad_filter_says_where(self):
        resp = self.v1call("GET", BASE, self.master, headers={"TMV1-Filter": "name ne 'x'"})
        self.assert_vo_error(
            resp, 400, message="TMV1-Filter: expected eq after the field name at position 6 "
                               "(found \"ne\")")
        for text in ("nme eq 'x'", "name eq 'x", "(name eq 'x'", "name eq 'x' and", "()"):
            with self.subTest(text=text):
                resp = self.v1call("GET", BASE, self.master, headers={"TMV1-Filter": text})
                self.assert_vo_error(resp, 400, contains="TMV1-Filter")
        # An empty header is no filter.
        resp = self.v1call("GET", BASE, self.master, headers={"TMV1-Filter": ""})
        self.assertEqual(resp.status, 200, resp.text)
        self.assertEqual(resp.json()["totalCount"], 1)


class GetAndPatch(VisionOneTestCase):

    def test_get_has_etag_and_every_field(self):
        body = self.create_one("vo-get", description="d", months=6)
        key, etag = self.get(body["id"])
        self.assert_key(key)
        self.assertRegex(etag, ETAG)
        self.assertEqual(key["role"], "Auditor")
        self.assertEqual(key["status"], "enabled")
        self.assertEqual(key["expiredDateTime"], body["expiredDateTime"])
        self.assertEqual(key["lastUsedDateTime"], "")
        # Using the key sets lastUsedDateTime but leaves the ETag as it was.
        self.assertEqual(self.server.get("/v1/apikeys/current", token=body["value"]).status, 200)
        # The last use is written behind the request: wait for it.
        deadline = time.monotonic() + 10
        while True:
            used, etag_after_use = self.get(body["id"])
            if used["lastUsedDateTime"] or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertRegex(used["lastUsedDateTime"], ISO_UTC)
        self.assertEqual(etag_after_use, etag)

    def patch(self, key_id, body, if_match=None, token=None):
        headers = {} if if_match is None else {"If-Match": if_match}
        return self.v1call("PATCH", BASE + "/" + key_id, token or self.master, body, headers)

    def test_patch_with_quoted_and_unquoted_etag_stale_and_missing(self):
        key_id = self.create_one("vo-patch")["id"]
        _, etag = self.get(key_id)
        resp = self.patch(key_id, {"name": "vo-patched", "description": "new",
                                   "role": "Full Access"}, etag)
        self.assertEqual(resp.status, 204, resp.text)
        self.assertEqual(resp.body, b"")
        key, etag2 = self.get(key_id)
        self.assertEqual(resp.header("ETag"), etag2)
        self.assertNotEqual(etag2, etag)
        self.assertEqual((key["name"], key["description"], key["role"]),
                         ("vo-patched", "new", "Full Access"))
        # Unquoted, as some clients send it.
        resp = self.patch(key_id, {"status": "disabled"}, etag2.strip('"'))
        self.assertEqual(resp.status, 204, resp.text)
        key, etag3 = self.get(key_id)
        self.assertEqual(key["status"], "disabled")
        self.assertIs(self.native_key(key_id)["enabled"], False)
        # Stale: 412 and nothing changes.
        resp = self.patch(key_id, {"name": "stale"}, etag2)
        self.assert_vo_error(resp, 412)
        self.assertEqual(self.get(key_id), (key, etag3))
        # Missing: 428.
        resp = self.patch(key_id, {"name": "none"})
        self.assert_vo_error(resp, 428, contains="If-Match")
        self.assertEqual(self.get(key_id)[0]["name"], "vo-patched")
        resp = self.patch(key_id, {"status": "enabled"}, etag3)
        self.assertEqual(resp.status, 204, resp.text)
        self.assertEqual(self.get(key_id)[0]["status"], "enabled")
        # Every change is audited, as the native API's would be.
        actions = [e["action"] for e in self.audit_events(self.server, self.master,
                                                          target="apikey:" + key_id)]
        for action in ("apikey.create", "apikey.update", "apikey.disable", "apikey.enable"):
            self.assertIn(action, actions)

    def test_concurrent_patches_with_one_etag_change_once(self):
        key_id = self.create_one("vo-race")["id"]
        _, etag = self.get(key_id)
        statuses = []
        lock = threading.Lock()

        def patch(n):
            resp = self.patch(key_id, {"description": "writer %d" % n}, etag)
            with lock:
                statuses.append(resp.status)

        threads = [threading.Thread(target=patch, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(statuses), [204] + [412] * 5, statuses)
        updates = [e for e in self.audit_events(self.server, self.master,
                                                target="apikey:" + key_id)
                   if e["action"] == "apikey.update"]
        self.assertEqual(len(updates), 1, updates)

    def test_patch_refusals(self):
        key_id = self.create_one("vo-refuse", months=1)["id"]
        key, etag = self.get(key_id)
        for body, contains in (({"expiredDateTime": ""}, "expiresAt"),
                               ({"monthsToExpiration": 3}, "expiresAt"),
                               ({"role": "Master Administrator"}, "Master Administrator"),
                               ({"role": "Nope"}, "Nope"),
                               ({"locale": "ja-JP"}, "locale"),
                               ({"name": 5}, "name"),
                               ({"status": "paused"}, "status")):
            with self.subTest(body=body):
                self.assert_vo_error(self.patch(key_id, body, etag), 400, contains=contains)
        self.assertEqual(self.get(key_id), (key, etag))
        self.assert_vo_error(self.patch("999999", {"name": "x"}, etag), 404)
        other = self.create_one("vo-other")["id"]
        self.assert_vo_error(self.patch(key_id, {"name": "vo-other"}, etag), 409)
        del other

    def test_patch_enabled_unlocks_a_locked_key(self):
        key_id = self.create_one("vo-locked")["id"]
        resp = self.server.post("/v1/apikeys/%s/lock" % key_id, {}, token=self.master)
        self.assertEqual(resp.status, 200, resp.text)
        key, etag = self.get(key_id)
        self.assertEqual(key["status"], "disabled")
        self.assertEqual(self.patch(key_id, {"status": "enabled"}, etag).status, 204)
        self.assertEqual(self.get(key_id)[0]["status"], "enabled")
        self.assertIs(self.native_key(key_id)["lockedOut"], False)


class Delete(VisionOneTestCase):

    def test_bulk_delete_good_and_missing(self):
        a = self.create_one("vo-del-a")["id"]
        b = self.create_one("vo-del-b")["id"]
        resp = self.v1call("POST", BASE + "/delete", self.master,
                           [{"id": a}, {"id": "999999"}, {"id": "abc"}, {"id": 5}, {"id": b}])
        self.assertEqual(resp.status, 207, resp.text)
        results = resp.json()
        self.assertEqual([r["status"] for r in results], [204, 404, 404, 400, 204])
        self.assertEqual(results[0], {"status": 204})
        for r in results[1:4]:
            self.assertEqual(set(r), {"status", "body"})
            self.assert_vo_error(r["body"], r["status"])
        for key_id in (a, b):
            self.assertEqual(self.server.get("/v1/apikeys/" + key_id, token=self.master).status,
                             404)
        targets = {e["target"] for e in self.audit_events(self.server, self.master,
                                                          action="apikey.delete")}
        self.assertEqual({"apikey:" + a, "apikey:" + b} - targets, set())
        self.assert_vo_error(self.v1call("POST", BASE + "/delete", self.master, []), 400)


class Chain(VisionOneTestCase):
    """The native verification chain applies to the dialect's callers."""
    server_args = ("--throttle", "3")

    def test_throttle_allowlist_last_use_and_refused_targets(self):
        server, master, vo = self.server, self.master, self.v1call
        # An allowlist that excludes 127.0.0.1: 403 AccessDenied.
        fenced = self.create_key(server, master, "fenced", role="Full Access",
                                 allowedIps=["8.8.8.8"])
        resp = vo("GET", BASE, fenced["secret"])
        self.assert_vo_error(resp, 403)
        # Using a key through the dialect records its last use.
        full = self.create_key(server, master, "full", role="Full Access")
        self.assertEqual(vo("GET", BASE + "/" + full["id"], full["secret"]).status, 200)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            native = server.get("/v1/apikeys/" + full["id"], token=master).json()
            if native["lastUsedAt"]:
                break
            time.sleep(0.1)
        self.assertIsNotNone(native["lastUsedAt"])
        # A Full Access key may not delete the Master Administrator's key: 403 for that item.
        resp = vo("POST", BASE + "/delete", full["secret"], [{"id": "1"}])
        self.assertEqual(resp.status, 207, resp.text)
        self.assertEqual(resp.json()[0]["status"], 403, resp.text)
        self.assert_vo_error(resp.json()[0]["body"], 403)
        self.assertEqual(server.get("/v1/apikeys/1", token=master).status, 200)
        # Failed credentials count against the address: over the budget, 429 with Retry-After.
        statuses = []
        for _ in range(5):
            resp = vo("GET", BASE, "kw_000000000000notarealsecret")
            statuses.append(resp.status)
        self.assertIn(429, statuses, statuses)
        resp = vo("GET", BASE, "kw_000000000000notarealsecret")
        self.assert_vo_error(resp, 429)
        self.assertTrue(resp.header("Retry-After"))


class Locale(VisionOneTestCase):

    def test_japanese_key_gets_japanese_messages(self):
        resp = self.server.post("/v1/apikeys", {"name": "ja", "role": "Full Access",
                                                "locale": "ja-JP"}, token=self.master)
        self.assertEqual(resp.status, 201, resp.text)
        ja = resp.json()["secret"]
        self.assert_vo_error(self.v1call("GET", BASE + "/999999", ja), 404,
                             message="API キー 999999 は存在しません")
        results = self.create([{"name": "x", "role": "Master Administrator",
                                "monthsToExpiration": 0},
                               {"name": "y", "role": "Auditor", "monthsToExpiration": 2}], token=ja)
        self.assertEqual(results[0]["body"]["error"]["message"],
                         "この API ではマスター管理者ロールを API キーに付与できません")
        self.assertIn("monthsToExpiration は", results[1]["body"]["error"]["message"])
        resp = self.v1call("GET", BASE, ja, headers={"TMV1-Filter": "name ne 'x'"})
        self.assert_vo_error(resp, 400, contains="6 文字目")
        # Before the caller is known, en-US.
        self.assert_vo_error(self.v1call("GET", BASE, "kw_bad"), 401,
                             message="invalid or missing API key")


if __name__ == "__main__":
    unittest.main()
