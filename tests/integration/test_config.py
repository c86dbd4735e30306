"""The configuration file (docs/configuration.md "The configuration file") with the real binary:
`keyward serve --config FILE` takes its settings from the file, the environment overrides the
file and flags override both (shown by behaviour: the lockout threshold in force), a file with an
unknown setting stops the server before it creates anything, `keyward config check` names each
problem with its line and `keyward config show` says where each setting came from. Also
`metrics_require_credential` and the build-info metric."""

import json
import os
import re
import tempfile
import unittest

from harness import KEYWARD_BIN, KeywardTestCase, Server, run_keyward, wrong_secret_token


class ConfiguredServer(Server):
    """A server whose listen address and data directory come from its configuration file."""

    def __init__(self, workdir, config_path, flags=(), **kwargs):
        super().__init__(workdir, **kwargs)
        self.config_path = config_path
        self.flags = list(flags)

    def command(self):
        return [KEYWARD_BIN, "serve", "--config", self.config_path] + self.flags


class ConfigFileTestCase(KeywardTestCase):

    def write_config(self, text, name="keyward.toml"):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def served_config(self, extra="", **kwargs):
        """A config file with a fresh data directory and port 0, plus `extra` lines."""
        data_dir = tempfile.mkdtemp(prefix="data-", dir=self.workdir)
        path = self.write_config('listen = "127.0.0.1:0"\ndata_dir = "%s"\n%s' % (data_dir, extra),
                                 name="serve-%s.toml" % os.path.basename(data_dir))
        return path, data_dir

    def failures_to_lock(self, server):
        """Wrong secrets a fresh key takes before it is locked out: the threshold in force."""
        admin = server.bootstrap_key()
        key = self.create_key(server, admin, "lockme-%d" % server.port)
        wrong = wrong_secret_token(key["secret"])
        for attempt in range(1, 12):
            server.get("/v1/apikeys/current", token=wrong)
            state = server.get("/v1/apikeys/%s" % key["id"], token=admin).json()
            if state["lockedOut"]:
                return attempt
        return None


class Precedence(ConfigFileTestCase):

    def test_the_file_sets_what_serve_uses(self):
        path, data_dir = self.served_config("lockout_threshold = 2\n")
        server = self.start_server(ConfiguredServer, config_path=path)
        self.assertTrue(os.path.exists(os.path.join(data_dir, "keyward.db")),
                        "the store is in the file's data_dir")
        self.assertEqual(self.failures_to_lock(server), 2)

    def test_the_environment_overrides_the_file(self):
        path, _ = self.served_config("lockout_threshold = 2\n")
        server = self.start_server(ConfiguredServer, config_path=path,
                                   env={"KEYWARD_LOCKOUT_THRESHOLD": "3"})
        self.assertEqual(self.failures_to_lock(server), 3)

    def test_a_flag_overrides_the_environment_and_the_file(self):
        path, _ = self.served_config("lockout_threshold = 2\n")
        server = self.start_server(ConfiguredServer, config_path=path,
                                   flags=["--lockout-threshold", "4"],
                                   env={"KEYWARD_LOCKOUT_THRESHOLD": "3"})
        self.assertEqual(self.failures_to_lock(server), 4)

    def test_the_config_file_may_be_named_by_its_variable(self):
        path, data_dir = self.served_config("lockout_threshold = 2\n")

        class ByVariable(Server):
            def command(self):
                return [KEYWARD_BIN, "serve"]

        server = self.start_server(ByVariable, env={"KEYWARD_CONFIG": path})
        self.assertTrue(os.path.exists(os.path.join(data_dir, "keyward.db")))
        self.assertEqual(self.failures_to_lock(server), 2)

    def test_show_names_the_source_of_each_setting(self):
        path = self.write_config(
            'listen = "127.0.0.1:7000"\nthrottle = 9\nlockout_threshold = 2\n'
            'database = "postgresql://keyward:hunter2secret@db.example:5432/keyward"\n'
            'pepper_file = "/etc/keyward/pepper"\n')
        out = run_keyward(["config", "show", "--config", path, "--throttle", "11"],
                          env={"KEYWARD_LOCKOUT_THRESHOLD": "3"})
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = out.stdout.splitlines()
        self.assertIn("listen = '127.0.0.1:7000'  # %s:1" % path, lines)
        self.assertIn("throttle = 11  # --throttle", lines)
        self.assertIn("lockout_threshold = 3  # KEYWARD_LOCKOUT_THRESHOLD", lines)
        self.assertIn("workers = 16  # default", lines)
        self.assertIn("database = 'postgresql://keyward:***@db.example:5432/keyward'  # %s:4"
                      % path, lines)
        self.assertNotIn("hunter2secret", out.stdout + out.stderr)


class LocalCommands(ConfigFileTestCase):
    """The local commands that open the store find it through the same file as serve."""

    def test_backup_pepper_status_and_admin_recover_read_the_data_dir_from_the_file(self):
        path, data_dir = self.served_config()
        server = self.start_server(ConfiguredServer, config_path=path)
        self.create_key(server, server.bootstrap_key(), "kept")

        backup = os.path.join(self.workdir, "copy.db")
        out = run_keyward(["backup", backup, "--config", path])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(os.path.exists(backup))

        out = run_keyward(["pepper", "status", "--json"], env={"KEYWARD_CONFIG": path})
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(sum(v["keys"] for v in json.loads(out.stdout)["versions"]), 2)

        out = run_keyward(["admin", "recover", "--config", path])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout.strip(), r"^kw_")

        # A file the commands cannot use stops them too, naming the line.
        bad = self.write_config('data_dir = "%s"\nthrottle = "fast"\n' % data_dir,
                                name="bad.toml")
        for args in (["backup", os.path.join(self.workdir, "never.db")], ["pepper", "status"],
                     ["admin", "recover"]):
            out = run_keyward(args + ["--config", bad])
            self.assertEqual(out.returncode, 2, (args, out.stderr))
            self.assertIn("%s:2: throttle must be an integer, not a string" % bad, out.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "never.db")))


class Refusals(ConfigFileTestCase):

    def test_an_unknown_setting_stops_serve_before_it_creates_anything(self):
        data_dir = os.path.join(self.workdir, "never-made")
        path = self.write_config('listen = "127.0.0.1:0"\ndata_dir = "%s"\nlockout_treshold = 3\n'
                                 % data_dir)
        out = run_keyward(["serve", "--config", path])
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn('%s:3: unknown setting "lockout_treshold" (did you mean lockout_threshold?)'
                      % path, out.stderr)
        self.assertFalse(os.path.exists(data_dir))

    def test_a_bad_value_from_the_file_says_where_it_was_set(self):
        path = self.write_config('listen = "127.0.0.1:0"\nthreads = 0\n')
        out = run_keyward(["serve", "--config", path])
        self.assertEqual(out.returncode, 2)
        self.assertIn("--threads 0: must be a number from 1 to 256 (set in %s:2)" % path,
                      out.stderr)

    def test_a_missing_config_file_is_refused(self):
        out = run_keyward(["serve", "--config", os.path.join(self.workdir, "absent.toml")])
        self.assertEqual(out.returncode, 2)
        self.assertIn("absent.toml: no such file", out.stderr)


class Check(ConfigFileTestCase):

    def test_a_valid_file(self):
        path = self.write_config('listen = "0.0.0.0:8080"\nlockout_threshold = 3\n'
                                 'trusted_proxy = ["10.0.0.0/8"]\n')
        out = run_keyward(["config", "check", path])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "%s: 3 settings, all valid" % path)

    def test_every_problem_with_its_line(self):
        path = self.write_config(
            'threads = 0\nlockout_treshold = 3\naccess_log = "yes"\n'
            'trusted_proxy = ["10.0.0.0/8", "nonsense"]\ntls_key = "/k.pem"\n[server]\n')
        out = run_keyward(["config", "check", path])
        self.assertEqual(out.returncode, 1)
        self.assertEqual(out.stderr.splitlines(), [
            "%s:1: threads 0: must be a number from 1 to 256" % path,
            '%s:2: unknown setting "lockout_treshold" (did you mean lockout_threshold?); keyward '
            "config show lists every setting" % path,
            "%s:3: access_log must be true or false, not a string" % path,
            '%s:4: trusted_proxy "nonsense": "nonsense" is not a dotted-decimal IPv4 address or '
            "CIDR range" % path,
            "%s:5: tls_key was given alone: --tls-cert and --tls-key go together" % path,
            "%s:6: server: a table is not a setting: Keyward's settings are one flat list of "
            "name = value" % path,
            "keyward: %s: 6 problems" % path,
        ])

    def test_a_syntax_error_and_a_missing_file(self):
        path = self.write_config('listen = "127.0.0.1:0"\nthreads = = 2\n')
        out = run_keyward(["config", "check", path])
        self.assertEqual(out.returncode, 1)
        self.assertIn("%s:2: not valid TOML" % path, out.stderr)
        out = run_keyward(["config", "check", os.path.join(self.workdir, "none.toml")])
        self.assertEqual(out.returncode, 2)
        self.assertIn("none.toml: no such file", out.stderr)


class Metrics(ConfigFileTestCase):

    def test_metrics_are_public_by_default_and_carry_build_info(self):
        server = self.start_server()
        resp = server.get("/metrics")
        self.assertEqual(resp.status, 200)
        version = json.loads(run_keyward(["version", "--json"]).stdout)
        self.assertIn('keyward_build_info{version="%s",commit="%s"} 1'
                      % (version["version"], version["commit"]), resp.text)

    def test_metrics_may_require_a_credential(self):
        path, _ = self.served_config("metrics_require_credential = true\n")
        server = self.start_server(ConfiguredServer, config_path=path)
        self.assert_unauthenticated(server.get("/metrics"))
        # A key of its own for the scraper, with a role that grants nothing, presented as
        # Prometheus presents it.
        admin = server.bootstrap_key()
        self.create_role(server, admin, "Metrics scraper", [])
        scraper = self.create_key(server, admin, "prometheus", role="Metrics scraper")
        resp = server.get("/metrics", headers={"Authorization": "Bearer " + scraper["secret"]})
        self.assertEqual(resp.status, 200, resp)
        self.assertIn("keyward_build_info", resp.text)
        self.assertEqual(server.get("/v1/apikeys", token=scraper["secret"]).status, 403)
        self.assert_unauthenticated(
            server.get("/metrics", headers={"Authorization": "Bearer " +
                                            wrong_secret_token(scraper["secret"])}))
        # The other service endpoints stay public.
        self.assertEqual(server.get("/healthz").status, 200)
        self.assertEqual(server.get("/readyz").status, 200)


class DefaultPath(ConfigFileTestCase):
    """/etc/keyward/keyward.toml is read when no file is named. Only where the directory does not
    exist already (a machine with Keyward installed keeps its own); the file written holds a
    default value, so another test's server reading it meanwhile runs as it would without it."""

    def test_the_default_file_is_read_when_present(self):
        if os.path.exists("/etc/keyward") or os.geteuid() != 0:
            self.skipTest("/etc/keyward exists or cannot be made here")
        os.makedirs("/etc/keyward")
        try:
            staged = "/etc/keyward/.keyward.toml.test"
            with open(staged, "w") as f:
                f.write("threads = 1\n")
            os.rename(staged, "/etc/keyward/keyward.toml")
            out = run_keyward(["config", "show"])
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("threads = 1  # /etc/keyward/keyward.toml:1", out.stdout.splitlines())
        finally:
            for name in os.listdir("/etc/keyward"):
                os.unlink(os.path.join("/etc/keyward", name))
            os.rmdir("/etc/keyward")


if __name__ == "__main__":
    unittest.main()
