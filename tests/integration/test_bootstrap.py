"""First start, restarts, recovery, the pepper and the process lifecycle of `keyward serve`
(API.md "Service" and "Command line")."""

import base64
import os
import re
import signal
import subprocess
import unittest

from harness import (KEYWARD_BIN, STOP_DEADLINE, TOKEN_ANYWHERE_RE, TOKEN_RE, KeywardTestCase,
                     Server, run_keyward, tail)


def write_pepper_file(path, version=1):
    with open(path, "w", encoding="ascii") as f:
        f.write("%d %s\n" % (version, base64.b64encode(os.urandom(32)).decode("ascii")))
    os.chmod(path, 0o600)
    return path


class FirstStart(KeywardTestCase):

    def test_first_start_prints_secret_once_with_howto_line_and_key_works(self):
        server = self.start_server(key_file=False)
        err = server.stderr()
        # The secret is shown in the how-to line, and only there.
        export_lines = re.findall(r"^    export KEYWARD_API_KEY=(\S+)$", err, re.MULTILINE)
        self.assertEqual(len(export_lines), 1, tail(err))
        token = export_lines[0]
        self.assertRegex(token, TOKEN_RE)
        self.assertEqual(TOKEN_ANYWHERE_RE.findall(err), [token], "secret printed more than once")
        self.assertNotIn(token, server.stdout())

        resp = server.get("/v1/apikeys/current", token=token)
        self.assertEqual(resp.status, 200, resp)
        key = resp.json()
        self.assertEqual(key["role"]["name"], "Master Administrator")
        self.assertEqual(key["role"]["id"], "3")
        self.assertEqual(key["name"], "admin")
        self.assertEqual(key["prefix"], token[:15])
        self.assertNotIn(token, resp.text)

    def test_first_start_creates_exactly_one_key(self):
        server = self.start_server()
        token = server.bootstrap_key()
        resp = server.get("/v1/apikeys", token=token)
        self.assertEqual(resp.status, 200, resp)
        items = resp.json()["items"]
        self.assertEqual(len(items), 1, items)
        self.assertEqual(items[0]["role"]["name"], "Master Administrator")
        self.assertEqual(items[0]["status"], "enabled")

    def test_second_start_prints_no_token(self):
        first = self.start_server(key_file=False)
        token = first.bootstrap_key()
        first.stop()

        second = self.start_server(key_file=False, data_dir=first.data_dir)
        err = second.stderr()
        self.assertIsNone(TOKEN_ANYWHERE_RE.search(err), tail(err))
        self.assertNotIn("KEYWARD_API_KEY=kw_", err)
        # The first start's key still works, and no second admin key was made.
        resp = second.get("/v1/apikeys", token=token)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(len(resp.json()["items"]), 1, resp)

    def test_bootstrap_key_file_holds_one_line_mode_0600_and_stderr_no_token(self):
        server = self.start_server(key_file=True)
        self.assertTrue(os.path.exists(server.key_file), "bootstrap key file not written")
        self.assert_mode_0600(server.key_file)
        with open(server.key_file, encoding="utf-8") as f:
            content = f.read()
        lines = content.splitlines()
        self.assertEqual(len(lines), 1, repr(content))
        self.assertRegex(lines[0], TOKEN_RE)
        self.assertIn(content, (lines[0], lines[0] + "\n"))
        err = server.stderr()
        self.assertIsNone(TOKEN_ANYWHERE_RE.search(err), tail(err))
        self.assertNotIn(lines[0], server.stdout())

        resp = server.get("/v1/apikeys/current", token=lines[0])
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["role"]["name"], "Master Administrator")

    def test_bootstrap_key_file_not_rewritten_on_second_start(self):
        first = self.start_server(key_file=True)
        token = first.bootstrap_key()
        first.stop()
        os.unlink(first.key_file)
        second = self.start_server(key_file=first.key_file, data_dir=first.data_dir)
        self.assertFalse(os.path.exists(first.key_file),
                         "a second start wrote a bootstrap key again")
        self.assertEqual(second.get("/v1/apikeys/current", token=token).status, 200)


    def test_first_start_names_the_real_port_and_points_the_cli_at_it(self):
        # Port 0 was asked for: every line names the port the server really has, and says how
        # to point the CLI (whose default is port 8080) at it.
        server = self.start_server(key_file=False)
        err = server.stderr()
        base = "http://127.0.0.1:%d" % server.port
        self.assertNotIn("127.0.0.1:0", err)
        self.assertIn(base + "/v1/apikeys", err)
        self.assertIn(base + "/v1/session", err)
        self.assertIn("%s keys list" % KEYWARD_BIN, err)
        urls = re.findall(r"^    export KEYWARD_URL=(\S+)$", err, re.MULTILINE)
        self.assertEqual(urls, [base], tail(err))
        token = re.search(r"^    export KEYWARD_API_KEY=(\S+)$", err, re.MULTILINE).group(1)
        result = run_keyward(["whoami"], env={"KEYWARD_URL": urls[0], "KEYWARD_API_KEY": token})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Master Administrator", result.stdout)


class Persistence(KeywardTestCase):

    def test_created_key_survives_restart(self):
        first = self.start_server()
        admin = first.bootstrap_key()
        created = self.create_key(first, admin, "survivor", role="Auditor",
                                  description="made before the restart")
        first.stop()

        second = self.start_server(data_dir=first.data_dir)
        resp = second.get("/v1/apikeys/current", token=created["secret"])
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["id"], created["id"])
        resp = second.get("/v1/apikeys/" + created["id"], token=admin)
        self.assertEqual(resp.status, 200, resp)
        key = resp.json()
        self.assertEqual(key["name"], "survivor")
        self.assertEqual(key["description"], "made before the restart")
        self.assertEqual(key["role"]["name"], "Auditor")
        self.assertEqual(key["prefix"], created["prefix"])

    def test_rotated_secret_survives_restart_and_old_one_stays_dead(self):
        first = self.start_server()
        admin = first.bootstrap_key()
        created = self.create_key(first, admin, "rotated")
        rotated = first.post("/v1/apikeys/%s/rotate" % created["id"], token=admin)
        self.assertEqual(rotated.status, 200, rotated)
        first.stop()

        second = self.start_server(data_dir=first.data_dir)
        self.assertEqual(second.get("/v1/apikeys/current", token=rotated.json()["secret"]).status,
                         200)
        self.assert_unauthenticated(second.get("/v1/apikeys/current", token=created["secret"]))


class AdminRecover(KeywardTestCase):

    def test_admin_recover_issues_working_master_administrator_key(self):
        first = self.start_server()
        original = first.bootstrap_key()
        first.stop()

        result = run_keyward(["admin", "recover", "--data-dir", first.data_dir],
                             workdir=self.workdir)
        self.assertEqual(result.returncode, 0, result.stderr)
        out_lines = result.stdout.splitlines()
        self.assertEqual(len(out_lines), 1, result.stdout)
        recovered = out_lines[0].strip()
        self.assertRegex(recovered, TOKEN_RE)
        self.assertNotEqual(recovered, original)

        second = self.start_server(data_dir=first.data_dir)
        resp = second.get("/v1/apikeys/current", token=recovered)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["role"]["name"], "Master Administrator")
        # A Master Administrator key can do what only a Master Administrator may: act on another
        # Master Administrator key.
        original_id = second.get("/v1/apikeys/current", token=original).json()["id"]
        resp = second.patch("/v1/apikeys/" + original_id, {"description": "recovered"},
                            token=recovered)
        self.assertEqual(resp.status, 200, resp)
        # The original key was left alone.
        self.assertEqual(second.get("/v1/apikeys/current", token=original).status, 200)

    def test_admin_recover_is_audited(self):
        first = self.start_server()
        admin = first.bootstrap_key()
        probe = first.get("/v1/audit", token=admin)
        if probe.status == 404:
            self.skipTest("GET /v1/audit is not served yet")
        first.stop()
        result = run_keyward(["admin", "recover", "--data-dir", first.data_dir],
                             workdir=self.workdir)
        self.assertEqual(result.returncode, 0, result.stderr)
        recovered = result.stdout.strip()
        second = self.start_server(data_dir=first.data_dir)
        recovered_id = second.get("/v1/apikeys/current", token=recovered).json()["id"]
        resp = second.get("/v1/audit?action=apikey.create&limit=500", token=admin)
        self.assertEqual(resp.status, 200, resp)
        events = [e for e in resp.json()["items"] if e.get("action") == "apikey.create"]
        self.assertTrue(any(recovered_id in str(e.get("target")) for e in events), events)
        self.assertNotIn(recovered, resp.text)


    def test_admin_recover_refuses_a_directory_without_a_store(self):
        missing = os.path.join(self.workdir, "no-such-data")
        result = run_keyward(["admin", "recover", "--data-dir", missing], workdir=self.workdir)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertNotIn("issued", result.stderr)
        # It says where it looked, and left nothing behind: no directory, no store, no pepper.
        self.assertIn(os.path.join(missing, "keyward.db"), result.stderr)
        self.assertFalse(os.path.exists(missing))

        empty = os.path.join(self.workdir, "empty-data")
        os.mkdir(empty)
        result = run_keyward(["admin", "recover", "--data-dir", empty], workdir=self.workdir)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(os.listdir(empty), [])


class StartupErrors(KeywardTestCase):
    """A setting that cannot be used stops `serve` with exit 2 and one plain sentence on standard
    error that names the flag and the value: no JSON log line, no "storage error"."""

    def refuse(self, args, env=None):
        data_dir = os.path.join(self.workdir, "data")
        result = run_keyward(["serve", "--data-dir", data_dir] + args, env=env,
                             workdir=self.workdir)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertNotIn("storage error", result.stderr)
        self.assertFalse(any(line.startswith("{") for line in result.stderr.splitlines()),
                         result.stderr)
        self.assertIn("invalid configuration", result.stderr)
        return result.stderr

    def test_listen_without_a_port(self):
        err = self.refuse(["--listen", "localhost"])
        self.assertIn('--listen "localhost"', err)
        self.assertIn("HOST:PORT", err)

    def test_listen_with_a_bad_port(self):
        err = self.refuse(["--listen", "127.0.0.1:99999"])
        self.assertIn("99999", err)

    def test_threads_zero(self):
        err = self.refuse(["--threads", "0"])
        self.assertIn("--threads 0", err)

    def test_threads_zero_from_the_environment(self):
        err = self.refuse([], env={"KEYWARD_THREADS": "0"})
        self.assertIn("--threads 0", err)

    def test_database_is_refused_without_echoing_its_password(self):
        err = self.refuse(["--database", "postgresql://keyward:hunter2@db.example/keyward"])
        self.assertIn("--database", err)
        self.assertIn("PostgreSQL", err)
        self.assertNotIn("hunter2", err)

    def test_tls_cert_alone(self):
        err = self.refuse(["--tls-cert", os.path.join(self.workdir, "cert.pem")])
        self.assertIn("--tls-cert", err)
        self.assertIn("--tls-key", err)

    def test_nothing_is_created_for_a_refused_start(self):
        self.refuse(["--threads", "0"])
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "data")))


class Pepper(KeywardTestCase):

    def expect_refusal(self, server):
        """Starts `server`, expecting it to exit non-zero before listening; returns stderr."""
        try:
            server.start()
        except AssertionError:
            pass
        else:
            server.stop()
            self.fail("keyward serve started with a pepper that does not match the store")
        # A refusal is an exit with a non-zero code, not a hang ended by our kill.
        self.assertIsNotNone(server.exit_code)
        self.assertGreater(server.exit_code, 0, tail(server.stderr()))
        return server.stderr()

    def test_data_dir_used_with_pepper_a_refuses_pepper_b(self):
        pepper_a = write_pepper_file(os.path.join(self.workdir, "pepper-a"))
        pepper_b = write_pepper_file(os.path.join(self.workdir, "pepper-b"))
        first = self.start_server(extra_args=["--pepper-file", pepper_a])
        token = first.bootstrap_key()
        first.stop()

        refused = Server(self.workdir, data_dir=first.data_dir,
                         extra_args=["--pepper-file", pepper_b])
        self.addCleanup(refused.kill)
        err = self.expect_refusal(refused)
        self.assertRegex(err.lower(), "pepper", tail(err))

        # Pepper A still works, and with it the keys.
        again = self.start_server(data_dir=first.data_dir, extra_args=["--pepper-file", pepper_a])
        self.assertEqual(again.get("/v1/apikeys/current", token=token).status, 200)

    def test_pepper_file_option_does_not_create_data_dir_pepper(self):
        pepper_a = write_pepper_file(os.path.join(self.workdir, "pepper-a"))
        server = self.start_server(extra_args=["--pepper-file", pepper_a])
        self.assertFalse(os.path.exists(os.path.join(server.data_dir, "pepper")))

    def test_default_pepper_created_mode_0600_and_kept(self):
        first = self.start_server()
        token = first.bootstrap_key()
        pepper = os.path.join(first.data_dir, "pepper")
        self.assertTrue(os.path.isfile(pepper), os.listdir(first.data_dir))
        self.assert_mode_0600(pepper)
        with open(pepper, "rb") as f:
            content = f.read()
        self.assertTrue(content.strip())
        first.stop()
        second = self.start_server(data_dir=first.data_dir)
        with open(pepper, "rb") as f:
            self.assertEqual(f.read(), content, "the pepper changed on restart")
        self.assertEqual(second.get("/v1/apikeys/current", token=token).status, 200)

    def test_data_dir_with_default_pepper_refuses_another_pepper_file(self):
        first = self.start_server()
        first.stop()
        other = write_pepper_file(os.path.join(self.workdir, "other"))
        refused = Server(self.workdir, data_dir=first.data_dir, extra_args=["--pepper-file", other])
        self.addCleanup(refused.kill)
        err = self.expect_refusal(refused)
        self.assertRegex(err.lower(), "pepper", tail(err))

    def test_malformed_pepper_file_refuses_to_start(self):
        bad = os.path.join(self.workdir, "bad-pepper")
        with open(bad, "w") as f:
            f.write("1 dG9vIHNob3J0\n")  # "too short": far fewer than 32 bytes
        os.chmod(bad, 0o600)
        refused = Server(self.workdir, extra_args=["--pepper-file", bad])
        self.addCleanup(refused.kill)
        err = self.expect_refusal(refused)
        self.assertRegex(err.lower(), "pepper", tail(err))


class Lifecycle(KeywardTestCase):

    def test_version_prints_a_version(self):
        result = run_keyward(["version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"\d+\.\d+\.\d+")

    def test_sigterm_exits_zero(self):
        server = self.start_server()
        self.assertEqual(server.get("/healthz").status, 200)
        server.stop()  # asserts exit code 0 within the deadline
        self.assertEqual(server.exit_code, 0)

    def test_sigterm_with_idle_keepalive_connection_exits_zero(self):
        server = self.start_server()
        sock = server.connect()
        self.addCleanup(sock.close)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = sock.recv(65536)
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data)
        # The connection is now idle and kept alive; SIGTERM must still end the process.
        server.stop()
        self.assertEqual(server.exit_code, 0)

    def test_sigint_exits_zero(self):
        server = self.start_server()
        server.proc.send_signal(signal.SIGINT)
        try:
            code = server.proc.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            self.fail("no exit within %.0f s of SIGINT" % STOP_DEADLINE)
        server.exit_code = code
        self.assertEqual(code, 0, tail(server.stderr()))

    def test_listening_line_names_the_real_port(self):
        server = self.start_server()
        self.assertNotEqual(server.port, 0)
        self.assertIn("listening on 127.0.0.1:%d" % server.port, server.stdout())
        self.assertEqual(server.get("/healthz").status, 200)

    def test_port_in_use_fails_with_message(self):
        first = self.start_server()
        taken = Server(self.workdir)
        taken.command = lambda: [KEYWARD_BIN, "serve", "--listen", "127.0.0.1:%d" % first.port,
                                 "--data-dir", taken.data_dir]
        self.addCleanup(taken.kill)
        try:
            taken.start()
        except AssertionError:
            pass
        else:
            taken.stop()
            self.fail("a second server listened on a port already in use")
        self.assertNotEqual(taken.exit_code, 0)
        self.assertIn(str(first.port), taken.stderr())
        # The first server is unaffected.
        self.assertEqual(first.get("/healthz").status, 200)

    def test_logs_are_json_lines(self):
        server = self.start_server()
        server.stop()
        records = server.log_records()
        self.assertTrue(records, tail(server.stderr()))
        for record in records:
            self.assertIn("msg", record)
            self.assertIn("level", record)
            self.assertIn("time", record)


class Service(KeywardTestCase):

    def test_health_and_readiness(self):
        server = self.start_server()
        for path in ("/healthz", "/readyz"):
            with self.subTest(path=path):
                resp = server.get(path)  # no credential needed
                self.assertEqual(resp.status, 200, resp)

    def test_metrics(self):
        server = self.start_server()
        admin = server.bootstrap_key()
        self.create_key(server, admin, "off", enabled=False)
        self.assertEqual(server.get("/v1/apikeys/current", token=admin).status, 200)
        resp = server.get("/metrics")
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/plain"), resp)
        text = resp.text
        self.assertRegex(text, r'(?m)^keyward_verifications_total\{outcome="VALID"\} \d+')
        self.assertRegex(text, r"(?m)^keyward_request_duration_seconds_bucket\{")
        self.assertRegex(text, r"(?m)^keyward_request_duration_seconds_count")
        self.assertRegex(text, r'(?m)^keyward_keys\{status="enabled"\} 1$')
        self.assertRegex(text, r'(?m)^keyward_keys\{status="disabled"\} 1$')
        self.assertNotIn(admin, text)

    def test_openapi_document(self):
        server = self.start_server()
        resp = server.get("/v1/openapi.json")
        self.assertEqual(resp.status, 200, resp)
        doc = resp.json()
        self.assertIn("openapi", doc)
        for path in ("/v1/apikeys", "/v1/apikeys/{id}", "/v1/apikeys/{id}/rotate",
                     "/v1/apikeys/delete", "/v1/apikeys/current", "/v1/roles",
                     "/v1/permissions"):
            self.assertIn(path, doc["paths"])


class Environment(KeywardTestCase):

    def test_listen_data_dir_and_pepper_from_environment(self):
        data_dir = os.path.join(self.workdir, "from-env")
        pepper = write_pepper_file(os.path.join(self.workdir, "env-pepper"))
        server = Server(self.workdir, data_dir=data_dir,
                        env={"KEYWARD_LISTEN": "127.0.0.1:0", "KEYWARD_DATA_DIR": data_dir,
                             "KEYWARD_PEPPER_FILE": pepper})
        server.command = lambda: [KEYWARD_BIN, "serve"]
        self.addCleanup(server.kill)
        self.addCleanup(server.stop)
        server.start()
        token = server.bootstrap_key()
        self.assertEqual(server.get("/v1/apikeys/current", token=token).status, 200)
        # The embedded store is DIR/keyward.db; with a pepper file no DIR/pepper is made.
        self.assertTrue(os.path.isfile(os.path.join(data_dir, "keyward.db")),
                        os.listdir(data_dir))
        self.assertFalse(os.path.exists(os.path.join(data_dir, "pepper")))
        server.stop()
        # The same store refuses another pepper given through the environment.
        other = write_pepper_file(os.path.join(self.workdir, "env-other"))
        refused = Server(self.workdir, data_dir=data_dir,
                         env={"KEYWARD_LISTEN": "127.0.0.1:0", "KEYWARD_DATA_DIR": data_dir,
                              "KEYWARD_PEPPER_FILE": other})
        refused.command = lambda: [KEYWARD_BIN, "serve"]
        self.addCleanup(refused.kill)
        try:
            refused.start()
        except AssertionError:
            pass
        else:
            refused.stop()
            self.fail("started with a pepper that does not match the store")
        self.assertNotEqual(refused.exit_code, 0)

    def test_embedded_store_file_in_data_dir(self):
        server = self.start_server()
        self.assertTrue(os.path.isfile(os.path.join(server.data_dir, "keyward.db")),
                        os.listdir(server.data_dir))


if __name__ == "__main__":
    unittest.main()
