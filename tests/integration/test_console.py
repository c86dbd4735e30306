"""The web console on the real binary (docs/security.md "The web console"): /console/ serves
web/index.html as it is in the repository, gzip-encoded on request, with its ETag, 304 and
security headers; and every API answer beside it is Cache-Control: no-store."""

import gzip
import os
import unittest

from harness import REPO_ROOT, KeywardTestCase

WEB_DIR = os.path.join(REPO_ROOT, "web")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def web_file(path):
    with open(os.path.join(WEB_DIR, path), "rb") as f:
        return f.read()


class Console(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server()

    def assert_console_headers(self, resp):
        self.assertEqual(resp.header("Content-Security-Policy"), CSP, resp.headers)
        self.assertEqual(resp.header("X-Frame-Options"), "DENY")
        self.assertEqual(resp.header("Referrer-Policy"), "no-referrer")
        self.assertEqual(resp.header("X-Content-Type-Options"), "nosniff")

    def test_index_is_web_index_html_without_gzip(self):
        resp = self.server.get("/console/")
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.body, web_file("index.html"))
        self.assertEqual(resp.header("Content-Type"), "text/html; charset=utf-8")
        self.assertIsNone(resp.header("Content-Encoding"))
        self.assertEqual(resp.header("Cache-Control"), "no-cache")
        self.assertEqual(resp.header("Vary"), "Accept-Encoding")
        self.assertRegex(resp.header("ETag") or "", r'^"[0-9a-f]{32}"$')
        self.assert_console_headers(resp)

    def test_index_with_gzip_decompresses_to_web_index_html(self):
        resp = self.server.get("/console/", headers={"Accept-Encoding": "gzip, deflate"})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.header("Vary"), "Accept-Encoding")
        if resp.header("Content-Encoding") is not None:
            self.assertEqual(resp.header("Content-Encoding"), "gzip")
            self.assertRegex(resp.header("ETag") or "", r'^"[0-9a-f]{32}-gzip"$')
            self.assertEqual(gzip.decompress(resp.body), web_file("index.html"))
        else:
            # A file whose gzip encoding is no smaller is sent as it is.
            self.assertEqual(resp.body, web_file("index.html"))
        refused = self.server.get("/console/", headers={"Accept-Encoding": "gzip;q=0"})
        self.assertIsNone(refused.header("Content-Encoding"))
        self.assertEqual(refused.body, web_file("index.html"))

    def test_every_web_file_is_served_as_it_is(self):
        for root, dirs, files in os.walk(WEB_DIR):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if name.startswith("."):
                    continue
                rel = os.path.relpath(os.path.join(root, name), WEB_DIR).replace(os.sep, "/")
                with self.subTest(path=rel):
                    resp = self.server.get("/console/" + rel,
                                           headers={"Accept-Encoding": "gzip"})
                    self.assertEqual(resp.status, 200, resp)
                    body = resp.body
                    if resp.header("Content-Encoding") == "gzip":
                        body = gzip.decompress(body)
                    self.assertEqual(body, web_file(rel))
                    self.assert_console_headers(resp)

    def test_etag_revalidates_to_304(self):
        first = self.server.get("/console/app.css")
        self.assertEqual(first.status, 200, first)
        again = self.server.get("/console/app.css",
                                headers={"If-None-Match": first.header("ETag")})
        self.assertEqual(again.status, 304, again)
        self.assertEqual(again.body, b"")
        self.assertEqual(again.header("ETag"), first.header("ETag"))
        self.assert_console_headers(again)

    def test_redirect_head_405_404_and_traversal(self):
        redirect = self.server.get("/console")
        self.assertEqual(redirect.status, 301, redirect)
        self.assertEqual(redirect.header("Location"), "/console/")
        head = self.server.request("HEAD", "/console/")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(int(head.header("Content-Length")), len(web_file("index.html")))
        post = self.server.post("/console/", {"x": 1})
        self.assertEqual(post.status, 405, post)
        self.assertEqual(post.header("Allow"), "GET, HEAD")
        for target in ("/console/nope.js", "/console/../v1/openapi.json",
                       "/console/%2e%2e/v1/openapi.json", "/console//index.html",
                       "/console/js%2fapp.js"):
            with self.subTest(target=target):
                resp = self.server.get(target)
                self.assertEqual(resp.status, 404, resp)
                self.assert_console_headers(resp)

    def test_api_answers_are_no_store_whatever_their_status(self):
        token = self.server.bootstrap_key()
        answers = {
            "200": self.server.get("/v1/apikeys", token=token),
            "401": self.server.get("/v1/apikeys"),
            "404 route": self.server.get("/v1/nope"),
            "404 beside the console": self.server.get("/consoles"),
            "405": self.server.request("PUT", "/v1/apikeys", token=token),
            "authz": self.server.get("/v1/authz"),
            "healthz": self.server.get("/healthz"),
        }
        for what, resp in answers.items():
            with self.subTest(answer=what):
                self.assertEqual(resp.header("Cache-Control"), "no-store", resp.headers)
                self.assertEqual(resp.header("X-Content-Type-Options"), "nosniff")
                self.assertIsNone(resp.header("Content-Security-Policy"))


if __name__ == "__main__":
    unittest.main()
