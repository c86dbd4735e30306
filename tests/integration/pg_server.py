"""A throwaway PostgreSQL server for the integration tests that need a real one (the modules named
test_pg*/test_postgres*, labelled `postgres` in CTest). The Python twin of
src/testing/postgres/pg_server.hpp.

It runs Debian's server programs (the highest /usr/lib/postgresql/<N>/bin, else `pg_config
--bindir`) in a fresh directory /tmp/keyward-pg-*, as the `postgres` user through `runuser` when
the tests run as root (initdb refuses root), listening on 127.0.0.1 only, on a free port, with its
Unix socket in its own directory (`-k`). fsync is off unless asked for: a test server loses
nothing without it unless the whole machine crashes, and it makes CREATE DATABASE slow.

    with PgServer() as pg:
        url = pg.create_database()        # postgresql://postgres@127.0.0.1:<port>/<name>
        pg.psql(url, "SELECT 1")          # "1"
        pg.stop(); pg.start()             # an outage: same data directory, same port

Every wait is bounded; a failure raises PgServerError naming the command, its output and the
tail of the server's log. A watchdog (a detached shell reading a pipe only this process writes)
stops the server and removes its directory if this process dies without stopping it. Standard
library only.
"""

import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

COMMAND_DEADLINE = 120.0
START_WAIT = 30  # pg_ctl -t: how long pg_ctl waits for the server to accept connections


class PgServerError(Exception):
    pass


def _bin_dir():
    best, best_version = None, -1
    root = "/usr/lib/postgresql"
    for name in os.listdir(root) if os.path.isdir(root) else []:
        bin_dir = os.path.join(root, name, "bin")
        if name.isdigit() and int(name) > best_version and os.access(
                os.path.join(bin_dir, "initdb"), os.X_OK):
            best, best_version = bin_dir, int(name)
    if best:
        return best
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    if out and os.access(os.path.join(out, "initdb"), os.X_OK):
        return out
    raise PgServerError("no PostgreSQL server programs (no /usr/lib/postgresql/<N>/bin/initdb, "
                        "and `pg_config --bindir` names none): install Debian's postgresql "
                        "(scripts/deps.sh test)")


def _free_port():
    """A port of 127.0.0.1 nothing listens on, below the kernel's ephemeral range (32768 and up
    by default), so no outgoing connection takes it while the server is stopped for an outage."""
    for _ in range(100):
        port = random.randint(20000, 32767)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise PgServerError("no free port of 127.0.0.1 between 20000 and 32767 after 100 tries")


def _port_in_use(log):
    return "Address already in use" in log or "could not bind" in log


class PgServer:
    """One PostgreSQL server; start() makes it (initdb) the first time and starts it again after
    stop(); close() (or leaving the `with`) stops it and removes its directory."""

    def __init__(self, fsync=False, max_connections=50, shared_buffers="16MB"):
        self.fsync = fsync
        self.max_connections = max_connections
        self.shared_buffers = shared_buffers
        self.bin_dir = _bin_dir()
        self.as_postgres = os.geteuid() == 0
        self.dir = None
        self.port = None
        self.running = False
        self._watchdog_fd = None
        self._databases = 0
        self._version = None
        self._owner = os.getpid()

    # -- paths ----------------------------------------------------------------------------------

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    @property
    def socket_dir(self):
        return os.path.join(self.dir, "sock")

    @property
    def log_path(self):
        return os.path.join(self.dir, "server.log")

    def program(self, name):
        return os.path.join(self.bin_dir, name)

    def url(self, database):
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, database)

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        """Starts the server (making it first if need be) and waits until it accepts connections;
        on the same data directory and port after stop(). PgServerError if it cannot."""
        if self.running:
            return
        if self.dir is None:
            try:
                self._make()
            except BaseException:
                self.close()
                raise
            return
        for attempt in range(5):
            in_use = self._start_once()
            if in_use is None:
                return
            if not in_use or attempt == 4:
                break
            time.sleep(0.2)
        raise self._start_error

    def stop(self, mode="fast"):
        """Fast shutdown (open connections closed, committed data kept); immediate if that hangs.
        mode="immediate" stops it as a crash would (no checkpoint: the next start recovers from
        the WAL)."""
        if not self.running:
            return
        self.running = False
        try:
            self._run([self.program("pg_ctl"), "stop", "-w", "-t", "20", "-D", self.data_dir,
                       "-m", mode], 30)
        except PgServerError:
            self._run([self.program("pg_ctl"), "stop", "-w", "-t", "10", "-D", self.data_dir,
                       "-m", "immediate"], 20)

    def close(self):
        """Stops the server and removes its directory. Only the process that made it does."""
        if self.dir is None or os.getpid() != self._owner:
            return
        try:
            self.stop()
        finally:
            self._disarm_watchdog()
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    # -- databases ------------------------------------------------------------------------------

    def create_database(self):
        """A new, empty database with a unique name; returns its URL."""
        self._databases += 1
        name = "kw_test_%d" % self._databases
        # template0: nobody is ever connected to it, so this never fails on a template in use.
        # FILE_COPY (PostgreSQL 15 and later) copies files instead of writing every block to the
        # WAL: about 4 times faster with fsync off.
        sql = "CREATE DATABASE %s TEMPLATE template0" % name
        if self._version is None:
            self._version = int(self.psql(self.url("postgres"), "SHOW server_version_num"))
        if self._version >= 150000:
            sql += " STRATEGY FILE_COPY"
        self.psql(self.url("postgres"), sql)
        return self.url(name)

    def psql(self, db, sql, check=True):
        """Runs `sql` with psql on `db` (a URL, or a database name of this server) and returns its
        unaligned, tuples-only output without the final newline: "1" for SELECT 1. Raises
        PgServerError when psql fails and `check` is true; else returns (returncode, output)."""
        url = db if "://" in db else self.url(db)
        if "?" not in url:
            url += "?connect_timeout=10"
        argv = [self.program("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url,
                "-c", sql]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PgServerError("psql did not finish within 60 s: %s" % sql) from None
        output = (done.stdout + done.stderr).rstrip("\n")
        if not check:
            return done.returncode, output
        if done.returncode != 0:
            raise PgServerError("psql on %s failed (status %d): %s\n%s"
                                % (url, done.returncode, sql, output))
        return done.stdout.rstrip("\n")

    # -- internals ------------------------------------------------------------------------------

    def _make(self):
        if self.as_postgres:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PgServerError("the tests run as root and there is no `postgres` user to run "
                                    "PostgreSQL as: install Debian's postgresql "
                                    "(scripts/deps.sh test)") from None
        # Under /tmp, not $TMPDIR: the socket path must stay short, and `postgres` must be able to
        # traverse every parent directory.
        self.dir = tempfile.mkdtemp(prefix="keyward-pg-", dir="/tmp")
        os.mkdir(self.socket_dir)
        if self.as_postgres:
            for path in (self.dir, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run([self.program("initdb"), "-D", self.data_dir, "-A", "trust", "-U", "postgres",
                   "--no-sync", "--locale=C", "-E", "UTF8", "--no-instructions"], COMMAND_DEADLINE)
        self._start_watchdog()
        for attempt in range(5):
            self.port = _free_port()
            in_use = self._start_once()
            if in_use is None:
                return
            if not in_use or attempt == 4:
                break
        raise self._start_error

    def _options(self):
        opts = ("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=%d "
                "-c shared_buffers=%s" % (self.port, self.socket_dir, self.max_connections,
                                          self.shared_buffers))
        if not self.fsync:
            opts += " -c fsync=off -c full_page_writes=off"
        return opts

    def _start_once(self):
        """None when the server started; else whether its port was taken (self._start_error)."""
        before = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        try:
            self._run([self.program("pg_ctl"), "start", "-w", "-t", str(START_WAIT), "-D",
                       self.data_dir, "-l", self.log_path, "-o", self._options()],
                      START_WAIT + 15)
            self.running = True
            return None
        except PgServerError as e:
            log = self._read_log()
            # A server that did not come up in time may still be starting: make sure it is gone.
            try:
                self._run([self.program("pg_ctl"), "stop", "-w", "-t", "10", "-D", self.data_dir,
                           "-m", "immediate"], 20)
            except PgServerError:
                pass
            self._start_error = PgServerError("PostgreSQL did not start: %s\nthe server's log "
                                              "(%s):\n%s" % (e, self.log_path, log[-3000:]))
            return _port_in_use(log[before:])

    def _read_log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def _run(self, argv, deadline):
        full = (["runuser", "-u", "postgres", "--"] if self.as_postgres else []) + argv
        # Output into a file, not a pipe: the server pg_ctl starts inherits the descriptors and
        # would hold a pipe open for its whole life.
        out_path = os.path.join(self.dir, "command.out")
        with open(out_path, "w+") as out:
            proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                code = proc.wait(timeout=deadline)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                out.seek(0)
                raise PgServerError("`%s` did not finish within %d s and was killed; its "
                                    "output:\n%s" % (" ".join(full), deadline, out.read()))
            out.seek(0)
            output = out.read()
        if code != 0:
            raise PgServerError("`%s` exited with status %d; its output:\n%s"
                                % (" ".join(full), code, output))
        return output

    def _start_watchdog(self):
        """A detached shell that stops the server and removes the directory when the pipe this
        process holds reads end-of-file (the process is gone); a line on the pipe disarms it."""
        read_fd, write_fd = os.pipe()  # neither is inherited by other children
        q = _shell_quoted
        stop = "%s%s stop -w -t 10 -D %s -m immediate" % (
            "runuser -u postgres -- " if self.as_postgres else "", q(self.program("pg_ctl")),
            q(self.data_dir))
        # The pipe comes in as the shell's standard input and moves to descriptor 3, which the
        # background subshell keeps (its standard input becomes /dev/null). The subshell runs in
        # the background, so it is nobody's child, in a session of its own.
        script = ("exec 3<&0; ( if read -r _ <&3; then exit 0; fi; %s; rm -rf -- %s ) "
                  ">/dev/null 2>&1 &" % (stop, q(self.dir)))
        subprocess.run(["/bin/sh", "-c", script], stdin=read_fd, start_new_session=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30,
                       check=True)
        os.close(read_fd)
        self._watchdog_fd = write_fd

    def _disarm_watchdog(self):
        if self._watchdog_fd is None:
            return
        try:
            os.write(self._watchdog_fd, b"disarm\n")
        except OSError:
            pass
        os.close(self._watchdog_fd)
        self._watchdog_fd = None


def _shell_quoted(text):
    return "'" + text.replace("'", "'\\''") + "'"


def postmaster_pid(server):
    """The postmaster's pid (the first line of postmaster.pid), or None when it is not running."""
    try:
        with open(os.path.join(server.data_dir, "postmaster.pid")) as f:
            return int(f.readline())
    except (OSError, ValueError):
        return None


def process_alive(pid):
    """Whether `pid` runs; a zombie waiting for its reaper counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = re.sub(r"^.*\) ", "", f.read()).split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
