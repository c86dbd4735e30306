"""`keyward serve --bootstrap-secrets-dir DIR` (KEYWARD_BOOTSTRAP_SECRETS_DIR): the first start
writes the first Master Administrator key's secret and the one-time password of admin@localhost to
DIR/admin-api-key and DIR/admin-password (DIR made 0700, files 0600, never replaced) instead of the
terminal, which only says where they are; the packaged service sets it (docs/operations.md
"Install"). The variables KEYWARD_BOOTSTRAP_KEY_FILE / _PASSWORD_FILE are test_bootstrap's."""

import os
import stat

from harness import (BOOTSTRAP_EMAIL, TOKEN_ANYWHERE_RE, TOKEN_RE, KeywardTestCase, run_keyward,
                     tail)

KEY_FILE = "admin-api-key"
PASSWORD_FILE = "admin-password"


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def read_one_line(test, path):
    with open(path, encoding="utf-8") as f:
        content = f.read()
    test.assertTrue(content.endswith("\n"), repr(content[-5:]))
    lines = content.splitlines()
    test.assertEqual(len(lines), 1, "%s holds %d lines" % (path, len(lines)))
    return lines[0]


class SecretsDirectory(KeywardTestCase):

    def start_with_dir(self, secrets_dir, via_environment=False, **kwargs):
        if via_environment:
            return self.start_server(key_file=False,
                                     env={"KEYWARD_BOOTSTRAP_SECRETS_DIR": secrets_dir}, **kwargs)
        return self.start_server(key_file=False,
                                 extra_args=["--bootstrap-secrets-dir", secrets_dir], **kwargs)

    def assert_secrets_written_and_working(self, server, secrets_dir):
        self.assertEqual(mode_of(secrets_dir), 0o700)
        self.assertEqual(sorted(os.listdir(secrets_dir)), [KEY_FILE, PASSWORD_FILE])
        key_path = os.path.join(secrets_dir, KEY_FILE)
        password_path = os.path.join(secrets_dir, PASSWORD_FILE)
        self.assertEqual(mode_of(key_path), 0o600)
        self.assertEqual(mode_of(password_path), 0o600)
        token = read_one_line(self, key_path)
        password = read_one_line(self, password_path)
        self.assertRegex(token, TOKEN_RE)

        # Neither secret reached the terminal, which names the files instead.
        out, err = server.stdout(), server.stderr()
        for text in (out, err):
            self.assertIsNone(TOKEN_ANYWHERE_RE.search(text), tail(text))
            self.assertNotIn(password, text)
        self.assertIn("its secret is in " + key_path, err)
        self.assertIn("its one-time console password is in " + password_path, err)

        # Both work: the key is the Master Administrator's, the password signs admin@localhost in.
        resp = server.get("/v1/apikeys/current", token=token)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["role"]["name"], "Master Administrator")
        resp, session = server.sign_in(BOOTSTRAP_EMAIL, password)
        self.assertEqual(resp.status, 201, resp)
        self.assertIsNotNone(session)
        return token

    def test_first_start_writes_both_secrets_to_files_and_prints_neither(self):
        # The directory does not exist yet: the server makes it, 0700, whatever the umask.
        secrets_dir = os.path.join(self.workdir, "first-start")
        server = self.start_with_dir(secrets_dir)
        self.assert_secrets_written_and_working(server, secrets_dir)

    def test_the_environment_variable_names_the_directory_too(self):
        secrets_dir = os.path.join(self.workdir, "from-env")
        server = self.start_with_dir(secrets_dir, via_environment=True)
        self.assert_secrets_written_and_working(server, secrets_dir)

    def test_a_restart_keeps_the_files_and_writes_nothing(self):
        secrets_dir = os.path.join(self.workdir, "first-start")
        first = self.start_with_dir(secrets_dir)
        token = self.assert_secrets_written_and_working(first, secrets_dir)
        with open(os.path.join(secrets_dir, KEY_FILE), "rb") as f:
            before = f.read()
        first.stop()

        # The files are still there (the operator has not collected them yet): a restart of
        # the same store neither refuses nor touches them.
        second = self.start_with_dir(secrets_dir, data_dir=first.data_dir)
        with open(os.path.join(secrets_dir, KEY_FILE), "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertNotIn("first start", second.stderr())
        self.assertEqual(second.get("/v1/apikeys/current", token=token).status, 200)

        # Collected and deleted: a restart makes none again.
        second.stop()
        for name in (KEY_FILE, PASSWORD_FILE):
            os.unlink(os.path.join(secrets_dir, name))
        third = self.start_with_dir(secrets_dir, data_dir=first.data_dir)
        self.assertEqual(os.listdir(secrets_dir), [])
        self.assertEqual(third.get("/v1/apikeys/current", token=token).status, 200)

    def test_a_new_store_refuses_a_file_left_from_an_earlier_first_start(self):
        secrets_dir = os.path.join(self.workdir, "first-start")
        os.mkdir(secrets_dir, 0o700)
        stale = os.path.join(secrets_dir, KEY_FILE)
        with open(stale, "w", encoding="utf-8") as f:
            f.write("the secret of a store that is gone\n")
        data_dir = os.path.join(self.workdir, "data")

        result = run_keyward(["serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                              "--bootstrap-secrets-dir", secrets_dir], workdir=self.workdir)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(stale, result.stderr)
        self.assertIn("move away the file of an earlier first start", result.stderr)
        self.assertIsNone(TOKEN_ANYWHERE_RE.search(result.stdout + result.stderr))
        with open(stale, encoding="utf-8") as f:
            self.assertEqual(f.read(), "the secret of a store that is gone\n")

        # Refused before any credential was made: once the old file is moved away, the same
        # store's start is its first, and writes its secrets.
        os.unlink(stale)
        server = self.start_with_dir(secrets_dir, data_dir=data_dir)
        self.assert_secrets_written_and_working(server, secrets_dir)

    def test_the_directory_and_a_file_variable_together_are_refused(self):
        data_dir = os.path.join(self.workdir, "data")
        secrets_dir = os.path.join(self.workdir, "first-start")
        for variable in ("KEYWARD_BOOTSTRAP_KEY_FILE", "KEYWARD_BOOTSTRAP_PASSWORD_FILE"):
            with self.subTest(variable=variable):
                result = run_keyward(
                    ["serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                     "--bootstrap-secrets-dir", secrets_dir],
                    env={variable: os.path.join(self.workdir, "secret")}, workdir=self.workdir)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("--bootstrap-secrets-dir and " + variable, result.stderr)
                # A configuration error: nothing was created.
                self.assertFalse(os.path.exists(data_dir))
                self.assertFalse(os.path.exists(secrets_dir))
