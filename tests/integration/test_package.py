"""The Debian package (`make package`, cmake/packaging.cmake; docs/operations.md "Install"),
built with CPack from the build tree these tests run in. That tree is the sanitizer build, so
its binary is larger and its Depends name the sanitizer runtimes; the layout, the metadata, the
unit, the configuration, the maintainer scripts, the man page and the completion are the ones
`make package` puts around the release binary. Checked with dpkg-deb; the unit with
systemd-analyze; the packaged binary started from an extracted copy; the man page rendered with
man; the completion loaded in bash; the maintainer scripts run against stand-ins for the system
tools (nothing on this machine is installed, enabled or created)."""

import gzip
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import tomllib
import unittest

from harness import KEYWARD_BIN, TOKEN_RE, KeywardTestCase, Server, tail

BUILD_DIR = os.environ.get("KEYWARD_BUILD_DIR", "")
PACKAGE_TIMEOUT = 600  # cpack and dpkg-shlibdeps over a sanitizer binary on a busy machine

UNIT = "lib/systemd/system/keyward.service"
CONFIG = "etc/keyward/keyward.toml"
BINARY = "usr/bin/keyward"
MAN_PAGE = "usr/share/man/man1/keyward.1.gz"
COMPLETION = "usr/share/bash-completion/completions/keyward"


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=PACKAGE_TIMEOUT, **kwargs)


def serve_long_options():
    """The long options of `keyward serve`, from its help (without the dashes)."""
    result = run([KEYWARD_BIN, "serve", "--help"])
    return set(re.findall(r"^  (?:-\w,)?--([a-z0-9-]+)", result.stdout, re.MULTILINE)) - {"help"}


def program_subcommands(*path):
    """The subcommands `keyward help PATH` lists."""
    result = run([KEYWARD_BIN, "help", *path])
    block = result.stdout.split("Subcommands:\n", 1)
    if len(block) < 2:
        return []
    names = []
    for line in block[1].splitlines():
        if not line.strip():
            break
        if re.match(r"^  [a-z]", line):
            names.append(line.split()[0])
    return names


class Built:
    """The package these tests check, built once for the module by setUpModule."""
    tmp = None      # a temporary directory holding everything below
    deb = None      # the .deb file cpack made
    root = None     # its files, extracted (dpkg-deb -x)
    control = None  # its control part, extracted (dpkg-deb -e)


def setUpModule():
    if not BUILD_DIR or not os.path.isfile(os.path.join(BUILD_DIR, "CPackConfig.cmake")):
        raise AssertionError("no CPack configuration in KEYWARD_BUILD_DIR=%r" % BUILD_DIR)
    tmp = tempfile.TemporaryDirectory(prefix="keyward-package-")
    Built.tmp = tmp
    out_dir = os.path.join(tmp.name, "out")
    result = run(["cpack", "-G", "DEB", "-B", out_dir], cwd=BUILD_DIR)
    if result.returncode != 0:
        raise AssertionError("cpack failed (%d):\n%s\n%s"
                             % (result.returncode, tail(result.stdout), tail(result.stderr)))
    debs = [name for name in os.listdir(out_dir) if name.endswith(".deb")]
    if len(debs) != 1:
        raise AssertionError("cpack made %r, expected one .deb" % debs)
    Built.deb = os.path.join(out_dir, debs[0])
    Built.root = os.path.join(tmp.name, "root")
    Built.control = os.path.join(tmp.name, "control")
    for args in (["dpkg-deb", "-x", Built.deb, Built.root],
                 ["dpkg-deb", "-e", Built.deb, Built.control]):
        result = run(args)
        if result.returncode != 0:
            raise AssertionError("%s failed: %s" % (args, result.stderr))


def tearDownModule():
    if Built.tmp is not None:
        Built.tmp.cleanup()


class PackagedServer(Server):
    """A server run from the package's extracted binary instead of $KEYWARD_BIN."""

    def command(self):
        return [os.path.join(Built.root, BINARY)] + super().command()[1:]


class Package(KeywardTestCase):

    def setUp(self):
        super().setUp()
        self.deb = Built.deb
        self.root = Built.root
        self.control = Built.control
        self.arch = run(["dpkg", "--print-architecture"]).stdout.strip()

    def path(self, relative):
        return os.path.join(self.root, relative)

    def field(self, name):
        result = run(["dpkg-deb", "-f", self.deb, name])
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def project_version(self):
        version = run([KEYWARD_BIN, "version", "--json"]).stdout
        match = re.search(r'"version":\s*"([^"]+)"', version)
        self.assertIsNotNone(match, version)
        return match.group(1)

    # --- the file and its metadata ---

    def test_file_is_named_for_the_version_and_the_architecture(self):
        self.assertEqual(os.path.basename(self.deb),
                         "keyward_%s_%s.deb" % (self.project_version(), self.arch))

    def test_metadata_names_the_package_version_architecture_and_dependencies(self):
        self.assertEqual(self.field("Package"), "keyward")
        self.assertEqual(self.field("Version"), self.project_version())
        self.assertEqual(self.field("Architecture"), self.arch)
        self.assertEqual(self.field("Section"), "net")
        self.assertRegex(self.field("Maintainer"), r"^[^<>]+ <[^<>@\s]+@[^<>\s]+>$")
        self.assertTrue(self.field("Description").startswith("API key management"))
        depends = [d.strip().split(" ")[0] for d in self.field("Depends").split(",")]
        # Named by dpkg-shlibdeps from the libraries the binary links, plus the two the
        # maintainer scripts and the time zones need.
        for package in ("adduser", "tzdata", "libc6", "libstdc++6", "libssl3", "libsqlite3-0",
                        "libpq5", "libboost-json1.81.0", "libargon2-1"):
            self.assertIn(package, depends)

    def test_contents_are_the_binary_unit_config_man_page_and_completion(self):
        result = run(["dpkg-deb", "-c", self.deb])
        self.assertEqual(result.returncode, 0, result.stderr)
        files = {}
        for line in result.stdout.splitlines():
            fields = line.split()
            if not fields[0].startswith("d"):
                files[fields[-1].removeprefix("./")] = (fields[0], fields[1])
        self.assertEqual(sorted(files), sorted([BINARY, UNIT, CONFIG, MAN_PAGE, COMPLETION]))
        self.assertEqual(files[BINARY], ("-rwxr-xr-x", "root/root"))
        for name in (UNIT, CONFIG, MAN_PAGE, COMPLETION):
            self.assertEqual(files[name], ("-rw-r--r--", "root/root"), name)

    def test_the_configuration_is_the_only_conffile(self):
        with open(os.path.join(self.control, "conffiles"), encoding="utf-8") as f:
            self.assertEqual(f.read().split(), ["/" + CONFIG])

    # --- the unit ---

    def unit_text(self):
        with open(self.path(UNIT), encoding="utf-8") as f:
            return f.read()

    def test_unit_runs_the_binary_as_its_own_user_confined_to_its_state_directory(self):
        settings = {}
        for line in self.unit_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                settings.setdefault(key, []).append(value)
        self.assertEqual(settings["ExecStart"], ["/usr/bin/keyward serve --config /" + CONFIG])
        self.assertEqual(settings["User"], ["keyward"])
        self.assertEqual(settings["StateDirectory"], ["keyward"])
        self.assertEqual(settings["NoNewPrivileges"], ["yes"])
        self.assertEqual(settings["ProtectSystem"], ["strict"])
        self.assertEqual(settings["CapabilityBoundingSet"], [""])
        self.assertNotIn("ReadWritePaths", settings)

    def verifiable_unit(self):
        """The unit with ExecStart pointing at the extracted binary (systemd-analyze checks that
        the binary exists), in a directory of its own."""
        directory = tempfile.mkdtemp(prefix="unit-", dir=self.workdir)
        path = os.path.join(directory, "keyward.service")
        text = self.unit_text().replace("ExecStart=/usr/bin/keyward",
                                        "ExecStart=" + self.path(BINARY))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_unit_passes_systemd_analyze_verify(self):
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed (scripts/deps.sh test installs it)")
        # MANPATH: Documentation=man:keyward(1) is checked against the packaged man page.
        # systemd-analyze verify exits 0 on an unknown key or a bad value and only warns, so any
        # output at all fails the test.
        result = run(["systemd-analyze", "verify", self.verifiable_unit()],
                     env=dict(os.environ, MANPATH=self.path("usr/share/man")))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout + result.stderr, "")

    def test_unit_hardening_rates_ok_in_systemd_analyze_security(self):
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed (scripts/deps.sh test installs it)")
        result = run(["systemd-analyze", "security", "--offline=true", "--man=no",
                      self.verifiable_unit()])
        self.assertEqual(result.returncode, 0, result.stderr)
        match = re.search(r"Overall exposure level for keyward\.service: (\d+\.\d+)",
                          result.stdout)
        self.assertIsNotNone(match, tail(result.stdout))
        # 0 is fully confined, 10 not at all; below 2 systemd calls it "OK". A network server
        # keeps the network, its own user's view of the system and its state directory.
        self.assertLess(float(match.group(1)), 2.0, tail(result.stdout))

    # --- the default configuration ---

    def test_default_config_parses_and_every_setting_is_a_serve_option(self):
        with open(self.path(CONFIG), "rb") as f:
            settings = tomllib.load(f)
        self.assertEqual(settings["data_dir"], "/var/lib/keyward")
        self.assertEqual(settings["bootstrap_secrets_dir"], "/var/lib/keyward/first-start")
        # Set or shown commented out, every key is a long option of `keyward serve` with "-"
        # written "_", and every option of serve is shown.
        with open(self.path(CONFIG), encoding="utf-8") as f:
            shown = set(re.findall(r"^#? ?([a-z0-9_]+) = ", f.read(), re.MULTILINE))
        options = {name.replace("-", "_") for name in serve_long_options()}
        self.assertEqual(shown - options, set(), "settings that are no option of keyward serve")
        self.assertEqual(options - shown - {"config"}, set(), "serve options the file omits")
        # The commented defaults parse too, as the values an operator uncomments.
        with open(self.path(CONFIG), encoding="utf-8") as f:
            uncommented = re.sub(r"^# ([a-z0-9_]+ = )", r"\1", f.read(), flags=re.MULTILINE)
        self.assertGreater(len(tomllib.loads(uncommented)), len(settings))
        # keyward itself accepts both, as the service will read them.
        check = run([KEYWARD_BIN, "config", "check", self.path(CONFIG)])
        self.assertEqual(check.returncode, 0, check.stderr)
        uncommented_path = os.path.join(self.workdir, "uncommented.toml")
        with open(uncommented_path, "w", encoding="utf-8") as f:
            f.write(uncommented)
        check = run([KEYWARD_BIN, "config", "check", uncommented_path])
        self.assertEqual(check.returncode, 0, check.stderr)

    # --- the packaged binary ---

    def test_packaged_binary_starts_from_an_extracted_copy_and_serves(self):
        binary = self.path(BINARY)
        result = run([binary, "--version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, run([KEYWARD_BIN, "--version"]).stdout)
        self.assertIn(self.project_version(), result.stdout)

        data_dir = os.path.join(self.workdir, "state")
        secrets_dir = os.path.join(data_dir, "first-start")
        # With the packaged configuration, as the unit starts it; the flags (the harness's
        # --listen and --data-dir, and the secrets directory) override its paths under /var/lib.
        server = self.start_server(server_class=PackagedServer, data_dir=data_dir, key_file=False,
                                   extra_args=["--config", self.path(CONFIG),
                                               "--bootstrap-secrets-dir", secrets_dir])
        self.assertEqual(server.proc.args[0], binary)
        resp = server.get("/healthz")
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), {"status": "ok"})
        with open(os.path.join(secrets_dir, "admin-api-key"), encoding="utf-8") as f:
            token = f.read().strip()
        self.assertRegex(token, TOKEN_RE)
        self.assertEqual(server.get("/v1/apikeys/current", token=token).status, 200)

    # --- the man page ---

    def test_man_page_renders_with_the_help_of_every_command(self):
        if shutil.which("man") is None:
            self.skipTest("man is not installed (scripts/deps.sh test installs man-db)")
        result = run(["man", "-l", self.path(MAN_PAGE)],
                     env=dict(os.environ, MANWIDTH="100", MANPAGER="cat", PAGER="cat",
                              LANG="C.UTF-8"))
        self.assertEqual(result.returncode, 0, result.stderr)
        page = result.stdout
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "ENVIRONMENT",
                        "FILES"):
            self.assertRegex(page, r"(?m)^%s$" % section)
        self.assertIn("keyward - API key management and verification", page)
        # Every command's help, down to the subcommands of subcommands.
        commands = []
        for top in program_subcommands():
            if top == "help":
                continue
            commands.append(top)
            for sub in program_subcommands(top):
                commands.append(top + " " + sub)
                commands.extend(top + " " + sub + " " + s for s in program_subcommands(top, sub))
        self.assertIn("keys create", commands)
        for command in commands:
            self.assertRegex(page, r"(?m)^   keyward %s$" % re.escape(command))
            self.assertIn("Usage: keyward %s " % command, page)
        self.assertIn("--bootstrap-secrets-dir", page)
        # groff finds nothing to warn about.
        with gzip.open(self.path(MAN_PAGE), "rb") as f:
            source = f.read()
        result = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=source,
                                capture_output=True, timeout=PACKAGE_TIMEOUT)
        self.assertEqual((result.returncode, result.stderr), (0, b""))

    # --- the completion ---

    def complete(self, *words):
        """What the packaged completion offers for the command line `words` (the last word is
        the one being completed), in a bash that loaded it."""
        script = ("source %s || exit 9\n"
                  "complete -p keyward\n"
                  "COMP_WORDS=(%s); COMP_CWORD=%d\n"
                  "_keyward_complete\n"
                  "printf '%%s\\n' \"${COMPREPLY[@]}\"\n"
                  % (self.path(COMPLETION), " ".join("'%s'" % w for w in words), len(words) - 1))
        result = run(["bash", "--norc", "--noprofile", "-c", script])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "complete -o default -F _keyward_complete keyward")
        return [line for line in lines[1:] if line]

    def test_completion_loads_in_bash_and_completes_commands_and_options(self):
        self.assertEqual(self.complete("keyward", ""), program_subcommands())
        self.assertEqual(self.complete("keyward", "ke"), ["keys"])
        self.assertEqual(self.complete("keyward", "keys", ""), program_subcommands("keys"))
        self.assertEqual(self.complete("keyward", "accounts", "token", "c"), ["create"])
        self.assertEqual(self.complete("keyward", "help", "keys", "cr"), ["create"])
        self.assertEqual(self.complete("keyward", "serve", "--bootstrap-s"),
                         ["--bootstrap-secrets-dir"])
        self.assertEqual(sorted(self.complete("keyward", "serve", "--")),
                         sorted(["--help"] + ["--" + o for o in serve_long_options()]))
        # After an option that takes a value: nothing, so bash completes file names; after a
        # flag, the options again.
        self.assertEqual(self.complete("keyward", "serve", "--data-dir", ""), [])
        self.assertEqual(self.complete("keyward", "serve", "--access-log", "--data-d"),
                         ["--data-dir"])
        self.assertEqual(self.complete("keyward", "serve", "--listen", "x", "--data-d"),
                         ["--data-dir"])


class MaintainerScripts(unittest.TestCase):
    """postinst, prerm and postrm from the package, run with stand-ins for getent, addgroup,
    adduser, deb-systemd-helper, deb-systemd-invoke and systemctl that log their arguments (and a
    getent that knows the user once adduser made it), so that nothing on this machine changes."""

    def setUp(self):
        self._work = tempfile.TemporaryDirectory(prefix="keyward-scripts-")
        self.addCleanup(self._work.cleanup)
        self.work = self._work.name
        self.bin = os.path.join(self.work, "bin")
        self.log = os.path.join(self.work, "calls")
        self.users = os.path.join(self.work, "users")
        os.mkdir(self.bin)
        open(self.users, "w").close()
        logger = '#!/bin/sh\necho "$(basename "$0") $*" >> %s\n' % self.log
        tools = {
            "getent": logger + 'grep -qx "$1 $2" %s\n' % self.users,
            "addgroup": logger + 'echo "group $3" >> %s\n' % self.users,
            "adduser": logger + 'for a; do u=$a; done; echo "passwd $u" >> %s\n' % self.users,
            "deb-systemd-helper": logger,
            "deb-systemd-invoke": logger,
            "systemctl": logger,
            "rm": logger, "deluser": logger, "delgroup": logger,
        }
        for name, text in tools.items():
            path = os.path.join(self.bin, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            os.chmod(path, 0o755)

    def run_script(self, name, *args):
        script = os.path.join(Built.control, name)
        self.assertTrue(os.stat(script).st_mode & stat.S_IXUSR, name + " is not executable")
        env = {"PATH": self.bin + ":/usr/bin:/bin", "LANG": "C"}
        result = run(["sh", "-e", script, *args], env=env)
        self.assertEqual(result.returncode, 0, "%s %s: %s" % (name, args, result.stderr))
        return result

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return f.read().splitlines()

    def test_postinst_makes_the_system_user_once_and_enables_the_service(self):
        self.run_script("postinst", "configure", "")
        first = self.calls()
        self.assertIn("addgroup --system --quiet keyward", first)
        adduser = [c for c in first if c.startswith("adduser ")]
        self.assertEqual(len(adduser), 1, first)
        for word in ("--system", "--ingroup keyward", "--home /var/lib/keyward",
                     "--no-create-home", "--shell /usr/sbin/nologin"):
            self.assertIn(word, adduser[0])
        self.assertTrue(adduser[0].endswith(" keyward"), adduser[0])
        # First install: was-enabled answers yes (the stand-in succeeds), so it is enabled.
        self.assertIn("deb-systemd-helper unmask keyward.service", first)
        self.assertIn("deb-systemd-helper enable keyward.service", first)

        # Again (an upgrade, a reconfigure): the user exists, nothing is made twice.
        os.unlink(self.log)
        self.run_script("postinst", "configure", "0.0.9")
        again = self.calls()
        self.assertFalse([c for c in again if c.startswith(("adduser", "addgroup"))], again)

    def test_removal_stops_the_service_and_purge_keeps_the_state_and_the_user(self):
        self.run_script("prerm", "remove")
        self.run_script("postrm", "remove")
        self.assertIn("deb-systemd-helper mask keyward.service", self.calls())
        self.run_script("postrm", "purge")
        calls = self.calls()
        self.assertIn("deb-systemd-helper purge keyward.service", calls)
        self.assertFalse([c for c in calls if c.split()[0] in ("rm", "deluser", "delgroup")],
                         calls)

    def test_upgrade_leaves_the_service_running_for_postinst_to_restart(self):
        self.run_script("prerm", "upgrade", "0.2.0")
        self.assertFalse([c for c in self.calls() if "stop" in c], self.calls())


if __name__ == "__main__":
    unittest.main()
