"""How `keyward serve` is configured at start (docs/api.md "Service" and "Command line"): the options it
refuses, the pepper (its file, its default, a data directory's pepper), and the environment."""

import base64
import os
import unittest

from harness import KEYWARD_BIN, KeywardTestCase, Server, run_keyward, tail


def write_pepper_file(path, version=1):
    with open(path, "w", encoding="ascii") as f:
        f.write("%d %s\n" % (version, base64.b64encode(os.urandom(32)).decode("ascii")))
    os.chmod(path, 0o600)
    return path


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
        self.assertIn("--pepper-file", err)  # what it lacks: every node needs the same pepper
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
