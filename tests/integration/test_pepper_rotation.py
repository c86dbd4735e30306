"""Pepper rotation on the real binary and a real SQLite store (docs/operations.md "Pepper
rotation"): `keyward pepper rotate` adds a version, keys move to it at their next successful use
after a restart, `keyward pepper status` shows where every key is, `keyward pepper retire` is
refused while keys use the old version and, with --disable-keys, disables exactly those; the
audit trail made under both versions still verifies after the retirement and a restart; a node
given the old, full pepper file is refused; no pepper byte is ever printed."""

import json
import os
import re
import stat
import unittest

from harness import KeywardTestCase, run_keyward

PEPPER_LINE_RE = re.compile(r"^(\d+) (retired )?(\S+)$")


def pepper_lines(path):
    """{version: (retired, base64 text)} of the pepper file at `path`."""
    out = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            match = PEPPER_LINE_RE.match(line)
            assert match, "unexpected pepper file line"
            out[int(match.group(1))] = (bool(match.group(2)), match.group(3))
    return out


class PepperRotation(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.outputs = []  # every CLI output, searched for pepper bytes at the end

    def pepper(self, server, *args):
        result = run_keyward(["pepper"] + list(args) + ["--data-dir", server.data_dir],
                             workdir=self.workdir)
        self.outputs.append(result.stdout + result.stderr)
        return result

    def status(self, server):
        result = self.pepper(server, "status", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        body = json.loads(result.stdout)
        return body["currentVersion"], {v["version"]: v for v in body["versions"]}

    def use(self, server, secret):
        return server.get("/v1/apikeys/current", token=secret).status

    def test_rotate_move_on_use_retire_and_the_audit_chain_still_verifies(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        pepper_path = os.path.join(server.data_dir, "pepper")
        keys = {name: self.create_key(server, admin, name) for name in ("used", "idle", "idle2")}
        account = self.create_account(server, admin, "robot@example.com")
        token = server.post("/v1/accounts/%s/token" % account["id"], {}, token=admin)
        self.assertEqual(token.status, 201, token)
        token = token.json()
        for secret in [k["secret"] for k in keys.values()] + [token["secret"], admin]:
            self.assertEqual(self.use(server, secret), 200)
        v1_pepper = pepper_lines(pepper_path)[1][1]

        # Rotate while the server runs: the file gains version 2, kept private.
        rotated = self.pepper(server, "rotate")
        self.assertEqual(rotated.returncode, 0, rotated.stderr)
        self.assertIn("added pepper version 2", rotated.stdout)
        lines = pepper_lines(pepper_path)
        self.assertEqual(sorted(lines), [1, 2])
        self.assertEqual(lines[1], (False, v1_pepper), "rotate changed version 1's line")
        self.assertEqual(stat.S_IMODE(os.stat(pepper_path).st_mode), 0o600)
        v2_pepper = lines[2][1]
        current, versions = self.status(server)
        self.assertEqual(current, 2)
        self.assertEqual(versions[1]["keys"], 5)  # admin, three keys, the token
        self.assertEqual(versions[2]["keys"], 0)

        # After a restart, each key used moves to version 2; the others stay on version 1.
        server.stop()
        server = self.restart_server(server)
        for secret in (admin, keys["used"]["secret"], token["secret"]):
            self.assertEqual(self.use(server, secret), 200)
        made_after = self.create_key(server, admin, "made after")  # an event chained under 2
        current, versions = self.status(server)
        self.assertEqual((versions[1]["keys"], versions[1]["accountTokens"]), (2, 0))
        self.assertEqual((versions[2]["keys"], versions[2]["accountTokens"]), (4, 1))
        self.assertEqual(versions[2]["state"], "current")
        self.assertEqual(versions[1]["state"], "old")
        self.assertGreater(versions[1]["auditEvents"], 0)
        self.assertGreater(versions[2]["auditEvents"], 0)

        # Retiring version 1 is refused while two keys use it, naming them and the flag.
        refused = self.pepper(server, "retire", "1")
        self.assertEqual(refused.returncode, 5, refused.stderr)
        self.assertIn("pepper version 1 is still used by 2 keys", refused.stderr)
        self.assertIn("--disable-keys", refused.stderr)
        self.assertEqual(pepper_lines(pepper_path)[1], (False, v1_pepper))

        # --disable-keys disables exactly the two keys still on version 1.
        retired = self.pepper(server, "retire", "1", "--disable-keys")
        self.assertEqual(retired.returncode, 0, retired.stderr)
        disabled_ids = sorted(int(keys[n]["id"]) for n in ("idle", "idle2"))
        self.assertIn("disabled 2 key(s) that still used it: %d %d" % tuple(disabled_ids),
                      retired.stdout)
        lines = pepper_lines(pepper_path)
        self.assertTrue(lines[1][0], "version 1 is not marked retired")
        self.assertNotEqual(lines[1][1], v1_pepper)
        self.assertEqual(lines[2], (False, v2_pepper))
        self.assertEqual(stat.S_IMODE(os.stat(pepper_path).st_mode), 0o600)
        with open(pepper_path, encoding="ascii") as f:
            self.assertNotIn(v1_pepper, f.read())

        server.stop()
        server = self.restart_server(server)
        verify = server.get("/v1/audit/verify", token=admin)
        self.assertEqual(verify.status, 200, verify)
        self.assertTrue(verify.json()["ok"], verify.json())
        current, versions = self.status(server)
        self.assertEqual(versions[1]["state"], "retired")
        self.assertGreater(versions[1]["auditEvents"], 0)  # events under both versions verified
        self.assertGreater(versions[2]["auditEvents"], 0)
        self.assertEqual(versions[1]["keys"], 2)  # the two disabled keys keep their old digest
        for secret in (admin, keys["used"]["secret"], token["secret"], made_after["secret"]):
            self.assertEqual(self.use(server, secret), 200)
        for name in ("idle", "idle2"):
            self.assertEqual(self.use(server, keys[name]["secret"]), 401, name)
            got = server.get("/v1/apikeys/%s" % keys[name]["id"], token=admin).json()
            self.assertFalse(got["enabled"], name)
        events = server.get("/v1/audit?action=apikey.disable&limit=50", token=admin).json()
        self.assertEqual(sorted(int(e["target"].split(":")[1]) for e in events["items"]),
                         disabled_ids)
        self.assertEqual({e["actor"] for e in events["items"]}, {"system:pepper"})

        # Re-enabling a disabled key never makes its old secret verify again.
        self.assertEqual(server.post("/v1/apikeys/%s/enable" % keys["idle"]["id"], {},
                                     token=admin).status, 200)
        self.assertEqual(self.use(server, keys["idle"]["secret"]), 401)

        # A node given the old, full pepper file is refused: version 1 is retired in the store.
        server.stop()
        stale = os.path.join(self.workdir, "stale-pepper")
        fd = os.open(stale, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write("1 %s\n2 %s\n" % (v1_pepper, v2_pepper))
        node = run_keyward(["serve", "--listen", "127.0.0.1:0", "--data-dir", server.data_dir,
                            "--pepper-file", stale], workdir=self.workdir)
        self.outputs.append(node.stdout + node.stderr)
        self.assertNotEqual(node.returncode, 0)
        self.assertIn("version 1, which this store has retired", node.stderr)

        for text in self.outputs + [server.stdout(), server.stderr()]:
            for secret in (v1_pepper, v2_pepper, lines[1][1]):
                self.assertNotIn(secret, text)

    def test_bad_input_is_named(self):
        server = self.start_server()
        server.stop()
        for args, code, words in (
                (["retire", "abc"], 2, 'VERSION "abc" is not a pepper version'),
                (["retire", "0"], 2, 'VERSION "0" is not a pepper version'),
                (["retire", "9"], 2, "pepper version 9 is not in the pepper file"),
                (["retire", "1"], 2, "pepper version 1 is the current version")):
            with self.subTest(args=args):
                result = self.pepper(server, *args)
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertIn(words, result.stderr)

        empty = os.path.join(self.workdir, "empty")
        os.mkdir(empty)
        result = run_keyward(["pepper", "status", "--data-dir", empty], workdir=self.workdir)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("no pepper file at %s/pepper" % empty, result.stderr)
        self.assertFalse(os.path.exists(os.path.join(empty, "pepper")), "a pepper was created")

        missing = os.path.join(self.workdir, "nowhere", "pepper")
        result = run_keyward(["pepper", "rotate", "--data-dir", server.data_dir,
                              "--pepper-file", missing], workdir=self.workdir)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("no pepper file at %s (--pepper-file)" % missing, result.stderr)

        # A pepper file that cannot be replaced (its directory is not writable) is named, and
        # the store does not record a version the file does not hold.
        if os.geteuid() != 0:
            pepper_dir = os.path.join(self.workdir, "ro")
            os.mkdir(pepper_dir)
            ro_pepper = os.path.join(pepper_dir, "pepper")
            with open(os.path.join(server.data_dir, "pepper"), encoding="ascii") as f:
                text = f.read()
            with open(ro_pepper, "w", encoding="ascii") as f:
                f.write(text)
            os.chmod(ro_pepper, 0o600)
            os.chmod(pepper_dir, 0o500)
            self.addCleanup(os.chmod, pepper_dir, 0o700)
            result = run_keyward(["pepper", "rotate", "--data-dir", server.data_dir,
                                  "--pepper-file", ro_pepper], workdir=self.workdir)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("pepper file %s" % ro_pepper, result.stderr)
            _, versions = self.status(server)
            self.assertEqual(sorted(versions), [1])


if __name__ == "__main__":
    unittest.main()
