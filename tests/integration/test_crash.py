"""Crash durability (docs/architecture.md "Units of work", "Storage and scale"; docs/audit.md
"Same transaction, always"): several clients write against the real server on SQLite, as shipped
(WAL, synchronous=FULL), and the server is killed with SIGKILL at random moments, again and again.

After each kill, while the process is gone, a copy of the database file (with its WAL) passes
`PRAGMA integrity_check`. The server is restarted on the same data directory, so the same store
and pepper, and then, through the API (and the file where the API cannot tell):

- every acknowledged write (a 2xx answer, or the 401 of a counted wrong secret) is there, with
  its audit event;
- a write in flight at the kill (no answer) is either wholly there, change and event, or not at
  all: no change without its event, no event without its change, and a bulk delete all or none;
- no audit event names an object nobody made; the chain verifies and counts every event of the
  export; every event in the killed server's file is still in the trail;
- lockout counters are exact: each acknowledged counted failure is in `failedAttempts`, a key
  locks at exactly --lockout-threshold, auditing `auth.lockout` once, and stays there across
  kills.

Written behind, so not asserted across a kill: last-used times (`lastUsedAt`, flushed about once
a second) and the summed `auth.failure` events of a minute (only each minute's first failure of
a (key, address) pair is written at once); docs/architecture.md "The key index" and docs/audit.md
"Failed authentications".

The random choices (operations, when to kill) come from one seed, printed on failure; set
KEYWARD_CRASH_SEED to repeat them (the threads' interleaving is the machine's).
"""

import http.client
import os
import random
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
import traceback
import unittest

from harness import BASE62, KeywardTestCase, make_token, tail

ROUNDS = 22                   # kills: at least 20
THREADS = 4                   # client threads, each owning its own objects
WRITES_PER_ROUND = (50, 150)  # acknowledged writes before a kill, drawn uniformly
KILL_JITTER = 0.03            # then up to this many seconds more, so a kill lands mid-request
ROUND_DEADLINE = 90.0         # a round whose clients stop making progress fails
THRESHOLD = 3                 # --lockout-threshold

INSIDE = "8.8.8.8"   # inside every key's allowlist: a wrong secret from here counts
OUTSIDE = "9.9.9.9"  # outside every key's allowlist: a wrong secret from here writes nothing
ALLOWLISTS = (("8.8.8.0/24",), ("1.1.1.1",), ("8.8.8.0/24", "1.1.1.1"))
PERMISSIONS = ("orders:read", "orders:write", "billing.invoices:read", "apikeys:view")

# Lockout needs counted failures from inside an allowlist: the test's requests come from
# 127.0.0.1, a trusted proxy, and name the client in X-Forwarded-For. The throttle is off so
# that thousands of wrong secrets are all counted.
SERVER_ARGS = ["--lockout-threshold", str(THRESHOLD), "--throttle", "0",
               "--trusted-proxy", "127.0.0.1/32"]

TARGETED = ("apikey:", "role:", "account:")


def allowlist(items):
    """An allowlist compared as a set, `a.b.c.d/32` written `a.b.c.d`."""
    return frozenset(i[:-3] if i.endswith("/32") else i for i in items)


class Obj:
    """One key, role or account as the clients' acknowledged writes make it."""

    def __init__(self, kind, fields, lockout=False):
        self.kind = kind         # "apikey", "role" or "account"
        self.id = None           # known once its create is acknowledged or found
        self.fields = fields     # the state the API must show
        self.events = []         # the actions of its audit events, oldest first (not auth.failure)
        self.gone = False
        self.lockout = lockout   # a key that takes counted wrong secrets
        self.fails = 0           # its counted failures in a row
        self.prefix = None
        self.secret = None       # its current secret, None when not known
        self.old_secret = None   # a secret rotated away, which must no longer work

    @property
    def target(self):
        return "%s:%s" % (self.kind, self.id)

    def __repr__(self):
        return "<%s %s %r>" % (self.target, "gone" if self.gone else "live", self.fields)


class Op:
    """One write: its request, the objects it changes, the audit actions it adds to each and
    how it changes them (`effect`, given the 2xx answer, or None when the answer was lost)."""

    def __init__(self, label, method, path, body=None, objs=(), events=None, effect=None,
                 expect=200, headers=None, token=True):
        self.label = label
        self.method = method
        self.path = path
        self.body = body
        self.objs = list(objs)
        self.events = events or {}
        self.effect = effect or (lambda resp: None)
        self.expect = expect
        self.headers = headers
        self.token = token

    def apply(self, resp):
        for obj, actions in self.events.items():
            obj.events.extend(actions)
        self.effect(resp)

    def __repr__(self):
        return "<%s %s %s>" % (self.label, self.method, self.path)


class Client:
    """One client thread's objects and the operations it picks among them."""

    def __init__(self, number, rng):
        self.number = number
        self.rng = rng
        self.serial = 0
        self.keys = []      # general keys
        self.lockout = None
        self.roles = []
        self.accounts = []
        self.inflight = None

    def fresh(self, what):
        self.serial += 1
        return "c%d-%s%d" % (self.number, what, self.serial)

    def live(self, objs):
        return [o for o in objs if o.id is not None and not o.gone]

    # --- keys ---

    def role_choices(self):
        return ["1", "2"] + [r.id for r in self.live(self.roles)]

    def create_key(self, lockout=False):
        name = self.fresh("key")
        ips = ALLOWLISTS[0] if lockout else self.rng.choice(ALLOWLISTS)
        body = {"name": name, "role": "2" if lockout else self.rng.choice(self.role_choices()),
                "description": self.fresh("d"), "allowedIps": list(ips)}
        obj = Obj("apikey", {"name": name, "description": body["description"],
                             "role": body["role"], "allowed": allowlist(ips), "enabled": True,
                             "lockedOut": False, "failedAttempts": 0}, lockout=lockout)
        if lockout:
            self.lockout = obj
        else:
            self.keys.append(obj)

        def effect(resp):
            if resp is not None:
                obj.id, obj.secret, obj.prefix = resp["id"], resp["secret"], resp["prefix"]
        return Op("create key", "POST", "/v1/apikeys", body, [obj], {obj: ["apikey.create"]},
                  effect, expect=201)

    def update_key(self, key):
        body = {self.rng.choice(("name", "description")): self.fresh("u")}
        if self.rng.random() < 0.3:
            body["role"] = self.rng.choice([r for r in self.role_choices()
                                            if r != key.fields["role"]])
        if self.rng.random() < 0.3:
            ips = self.rng.choice([a for a in ALLOWLISTS
                                   if allowlist(a) != key.fields["allowed"]])
            body["allowedIps"] = list(ips)

        def effect(resp):
            for field, value in body.items():
                key.fields["allowed" if field == "allowedIps" else field] = (
                    allowlist(value) if field == "allowedIps" else value)
        return Op("update key", "PATCH", "/v1/apikeys/" + key.id, body, [key],
                  {key: ["apikey.update"]}, effect)

    def rotate_key(self, key):
        def effect(resp):
            key.old_secret = key.secret
            key.secret = resp["secret"] if resp is not None else None
        return Op("rotate key", "POST", "/v1/apikeys/%s/rotate" % key.id, {}, [key],
                  {key: ["apikey.rotate"]}, effect)

    def toggle_key(self, key, field):
        verb = {("enabled", True): "disable", ("enabled", False): "enable",
                ("lockedOut", True): "unlock", ("lockedOut", False): "lock"}[
                    (field, key.fields[field])]

        def effect(resp):
            key.fields[field] = not key.fields[field]
        return Op(verb + " key", "POST", "/v1/apikeys/%s/%s" % (key.id, verb), None, [key],
                  {key: ["apikey." + verb]}, effect)

    def delete_keys(self, keys):
        def effect(resp):
            for key in keys:
                key.gone = True
        events = {key: ["apikey.delete"] for key in keys}
        if len(keys) == 1:
            return Op("delete key", "DELETE", "/v1/apikeys/" + keys[0].id, None, keys, events,
                      effect, expect=204)
        return Op("bulk delete keys", "POST", "/v1/apikeys/delete",
                  {"ids": [k.id for k in keys]}, keys, events, effect)

    # --- lockout ---

    def wrong_secret(self, key):
        """A counted failure: a well-formed token of `key` with a wrong secret, from an address
        inside its allowlist. Answered 401 only once the count is durable."""
        secret = "".join(self.rng.choice(BASE62) for _ in range(43))
        token = make_token(key.prefix[3:], secret)

        def effect(resp):
            if key.fails < THRESHOLD:
                key.fails += 1
                if key.fails == THRESHOLD:
                    key.events.append("auth.lockout")
            key.fields["failedAttempts"] = key.fails
            key.fields["lockedOut"] = key.fails == THRESHOLD
        op = Op("counted wrong secret", "GET", "/v1/apikeys/current", None, [key], {}, effect,
                expect=401, headers={"Authorization": "Bearer " + token,
                                     "X-Forwarded-For": INSIDE}, token=False)
        op.counted_failure = True
        return op

    def unlock_lockout(self, key):
        def effect(resp):
            key.fails = 0
            key.fields["failedAttempts"] = 0
            key.fields["lockedOut"] = False
        return Op("unlock locked-out key", "POST", "/v1/apikeys/%s/unlock" % key.id, None, [key],
                  {key: ["apikey.unlock"]}, effect)

    # --- roles ---

    def role_in_use(self, role):
        return any(k.fields["role"] == role.id for k in self.live(self.keys))

    def create_role(self):
        name = self.fresh("role")
        perms = sorted(self.rng.sample(PERMISSIONS, self.rng.randint(1, 3)))
        obj = Obj("role", {"name": name, "description": "", "permissions": perms})
        self.roles.append(obj)

        def effect(resp):
            if resp is not None:
                obj.id = resp["id"]
        return Op("create role", "POST", "/v1/roles", {"name": name, "permissions": perms},
                  [obj], {obj: ["role.create"]}, effect, expect=201)

    def update_role(self, role):
        if self.rng.random() < 0.5:
            body = {"description": self.fresh("rd")}
        else:
            while True:
                perms = sorted(self.rng.sample(PERMISSIONS, self.rng.randint(1, 3)))
                if perms != role.fields["permissions"]:
                    break
            body = {"permissions": perms}

        def effect(resp):
            role.fields.update(body)
        return Op("update role", "PATCH", "/v1/roles/" + role.id, body, [role],
                  {role: ["role.update"]}, effect)

    def delete_role(self, role):
        def effect(resp):
            role.gone = True
        return Op("delete role", "DELETE", "/v1/roles/" + role.id, None, [role],
                  {role: ["role.delete"]}, effect, expect=204)

    # --- accounts ---

    def create_account(self):
        email = self.fresh("acct") + "@example.com"
        role = self.rng.choice(("1", "2"))
        obj = Obj("account", {"email": email, "givenName": "", "role": role, "enabled": True})
        self.accounts.append(obj)

        def effect(resp):
            if resp is not None:
                obj.id = resp["id"]
        return Op("create account", "POST", "/v1/accounts",
                  {"email": email, "role": role, "accessLevel": "api_only"}, [obj],
                  {obj: ["account.create"]}, effect, expect=201)

    def update_account(self, account):
        if self.rng.random() < 0.7:
            body = {"givenName": self.fresh("g")}
        else:
            body = {"role": "1" if account.fields["role"] == "2" else "2"}

        def effect(resp):
            account.fields.update(body)
        return Op("update account", "PATCH", "/v1/accounts/" + account.id, body, [account],
                  {account: ["account.update"]}, effect)

    def toggle_account(self, account):
        verb = "disable" if account.fields["enabled"] else "enable"

        def effect(resp):
            account.fields["enabled"] = not account.fields["enabled"]
        return Op(verb + " account", "POST", "/v1/accounts/%s/%s" % (account.id, verb), None,
                  [account], {account: ["account." + verb]}, effect)

    def delete_account(self, account):
        def effect(resp):
            account.gone = True
        return Op("delete account", "DELETE", "/v1/accounts/" + account.id, None, [account],
                  {account: ["account.delete"]}, effect, expect=204)

    # --- the mix ---

    def next_op(self):
        """A write that changes something (a write that changes nothing is audited by nothing)."""
        rng = self.rng
        lock = self.lockout
        if lock is None:
            return self.create_key(lockout=True)
        keys = self.live(self.keys)
        roles = self.live(self.roles)
        accounts = self.live(self.accounts)
        choices = [(4 if len(keys) < 6 else 1, lambda: self.create_key())]
        if keys:
            choices += [(3, lambda: self.update_key(rng.choice(keys))),
                        (1.5, lambda: self.rotate_key(rng.choice(keys))),
                        (1.5, lambda: self.toggle_key(rng.choice(keys), "enabled")),
                        (1, lambda: self.toggle_key(rng.choice(keys), "lockedOut"))]
        if len(keys) > 4:
            choices.append((1, lambda: self.delete_keys([rng.choice(keys)])))
        if len(keys) > 8:
            choices.append((0.7, lambda: self.delete_keys(rng.sample(keys, rng.randint(2, 4)))))
        if lock.fails == THRESHOLD:
            choices += [(1.5, lambda: self.unlock_lockout(lock)),
                        (0.5, lambda: self.wrong_secret(lock))]
        else:
            choices.append((3, lambda: self.wrong_secret(lock)))
        choices.append((1 if len(roles) < 3 else 0.2, self.create_role))
        if roles:
            choices.append((0.7, lambda: self.update_role(rng.choice(roles))))
        unused = [r for r in roles if not self.role_in_use(r)]
        if unused:
            choices.append((0.4, lambda: self.delete_role(rng.choice(unused))))
        choices.append((1 if len(accounts) < 3 else 0.2, self.create_account))
        if accounts:
            choices += [(0.7, lambda: self.update_account(rng.choice(accounts))),
                        (0.5, lambda: self.toggle_account(rng.choice(accounts)))]
        if len(accounts) > 2:
            choices.append((0.3, lambda: self.delete_account(rng.choice(accounts))))
        total = sum(w for w, _ in choices)
        pick = rng.uniform(0, total)
        for weight, make in choices:
            pick -= weight
            if pick <= 0:
                return make()
        return choices[-1][1]()


class CrashDurability(KeywardTestCase):

    def test_acknowledged_writes_survive_sigkill(self):
        seed = int(os.environ.get("KEYWARD_CRASH_SEED") or random.SystemRandom().randrange(2**32))
        try:
            self.run_rounds(seed)
        except AssertionError as e:
            raise AssertionError("crash test failed with KEYWARD_CRASH_SEED=%d:\n%s"
                                 % (seed, e)) from None

    def run_rounds(self, seed):
        rng = random.Random(seed)
        clients = [Client(n, random.Random(rng.randrange(2**32))) for n in range(THREADS)]
        server = self.start_server(extra_args=SERVER_ARGS)
        self.admin = server.bootstrap_key()
        # The bootstrap's own objects (the admin key and account) are there before any client.
        self.baseline = {e["target"] for e in self.audit_export(server, self.admin)}
        self.round = 0
        total = inflight_total = 0
        self.landed = {}  # label of an in-flight write -> [landed, not landed]
        for self.round in range(1, ROUNDS + 1):
            acked, inflight = self.write_until_killed(server, clients, rng)
            total += acked
            inflight_total += inflight
            file_state = self.check_file(server)
            server = self.restart_server(server)
            self.check(server, clients, file_state)
        self.assertGreaterEqual(total, 1000, "too few writes to mean anything")
        print("crash test: seed %d, %d kills, %d acknowledged writes, %d in flight at a kill "
              "(landed/not: %s)" % (seed, ROUNDS, total, inflight_total, ", ".join(
                  "%s %d/%d" % (label, n[0], n[1]) for label, n in sorted(self.landed.items()))))

    # --- one round ---

    def write_until_killed(self, server, clients, rng):
        """Runs every client against `server` until `rng` says to kill it, then kills it with
        SIGKILL; returns (writes acknowledged, writes in flight at the kill)."""
        target = rng.randint(*WRITES_PER_ROUND)
        jitter = rng.uniform(0, KILL_JITTER)
        stop = threading.Event()
        errors = []
        lock = threading.Lock()
        progress = [0]

        def run(client):
            try:
                while not stop.is_set():
                    op = client.next_op()
                    try:
                        resp = server.request(op.method, op.path, body=op.body,
                                              headers=op.headers,
                                              token=self.admin if op.token else None)
                    except (OSError, http.client.HTTPException):
                        client.inflight = op  # no answer: its outcome is unknown
                        return
                    if resp.status != op.expect:
                        errors.append("client %d: %r answered %r (expected %d)"
                                      % (client.number, op, resp, op.expect))
                        stop.set()
                        return
                    op.apply(resp.json() if resp.body else None)
                    with lock:
                        progress[0] += 1
            except Exception:  # a bug of the test itself: fail, never hang or pass
                errors.append("client %d: %s" % (client.number, traceback.format_exc()))
                stop.set()

        for client in clients:
            client.inflight = None
        threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
        for t in threads:
            t.start()
        deadline = time.monotonic() + ROUND_DEADLINE
        # Every client stops at its first request without an answer, so none should before the
        # kill; if all did, the round ends early and their writes are resolved like any other.
        while progress[0] < target and not stop.is_set() and any(t.is_alive() for t in threads):
            if not server.running():
                stop.set()
                self.fail("round %d: the server exited by itself (code %r)\nstderr:\n%s"
                          % (self.round, server.proc.returncode, tail(server.stderr())))
            if time.monotonic() > deadline:
                stop.set()
                self.fail("round %d: only %d of %d writes in %.0f s"
                          % (self.round, progress[0], target, ROUND_DEADLINE))
            time.sleep(0.002)
        time.sleep(jitter)
        server.kill()
        stop.set()
        for t in threads:
            t.join(timeout=60)
            self.assertFalse(t.is_alive(), "a client thread hangs after the kill")
        self.assertEqual(server.exit_code, -signal.SIGKILL,
                         "round %d: the server was not the one killed\nstderr:\n%s"
                         % (self.round, tail(server.stderr())))
        self.assertEqual(errors, [], "round %d" % self.round)
        return progress[0], sum(1 for c in clients if c.inflight is not None)

    def check_file(self, server):
        """The killed server's database, read from a copy (so the restart recovers the original
        itself): integrity, the audit rows and the key rows it holds."""
        with tempfile.TemporaryDirectory(dir=self.workdir) as scratch:
            for suffix in ("", "-wal"):
                if os.path.exists(server.db_path + suffix):
                    shutil.copy(server.db_path + suffix, os.path.join(scratch, "k.db" + suffix))
            db = sqlite3.connect(os.path.join(scratch, "k.db"))
            try:
                self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)],
                                 "round %d: the database is damaged" % self.round)
                events = db.execute("SELECT id, action, target FROM audit_events").fetchall()
                keys = {str(r[0]): r[1] for r in
                        db.execute("SELECT id, failed_attempts FROM api_keys").fetchall()}
            finally:
                db.close()
        return events, keys

    # --- after the restart ---

    def check(self, server, clients, file_state):
        admin = self.admin
        keys = {k["id"]: k for k in self.list_all(server, admin, "/v1/apikeys")}
        roles = {r["id"]: r for r in self.list_all(server, admin, "/v1/roles")}
        accounts = {a["id"]: a for a in self.list_all(server, admin, "/v1/accounts")}
        trail = self.audit_export(server, admin)
        seen = {}
        for event in trail:
            if event["action"] != "auth.failure":
                seen.setdefault(event["target"], []).append(event["action"])
        by_name = {
            "apikey": {k["name"]: k for k in keys.values()},
            "role": {r["name"]: r for r in roles.values()},
            "account": {a["email"]: a for a in accounts.values()},
        }
        where = {"apikey": keys, "role": roles, "account": accounts}
        context = "round %d" % self.round

        # The writes in flight at the kill: wholly there, or not at all.
        for client in clients:
            op = client.inflight
            if op is not None:
                landed = self.resolve(op, seen, where, by_name, "%s, client %d, in flight %r"
                                      % (context, client.number, op))
                self.landed.setdefault(op.label, [0, 0])[0 if landed else 1] += 1
                client.inflight = None

        # Every object as its acknowledged (and resolved) writes made it, with their events.
        known = set(self.baseline)
        for client in clients:
            for obj in client.keys + client.roles + client.accounts + (
                    [client.lockout] if client.lockout else []):
                if obj.id is None:
                    continue
                known.add(obj.target)
                what = "%s, client %d, %s" % (context, client.number, obj.target)
                self.assertEqual(seen.get(obj.target, []), obj.events,
                                 "%s: its audit events" % what)
                found = where[obj.kind].get(obj.id)
                if obj.gone:
                    self.assertIsNone(found, "%s: deleted, yet listed" % what)
                    continue
                self.assertIsNotNone(found, "%s: acknowledged, yet missing" % what)
                self.assertEqual(self.view(obj.kind, found), obj.fields, what)
                if obj.lockout:
                    # Lockout at exactly the threshold: never more failures than it, and locked
                    # exactly when it is reached (checked in the file too).
                    self.assertLessEqual(found["failedAttempts"], THRESHOLD, what)
                    self.assertEqual(file_state[1].get(obj.id), obj.fails,
                                     "%s: failed_attempts in the file" % what)
            # Keys whose create was in flight and never landed are forgotten.
            client.keys = [k for k in client.keys if k.id is not None]
            client.roles = [r for r in client.roles if r.id is not None]
            client.accounts = [a for a in client.accounts if a.id is not None]
            if client.lockout is not None and client.lockout.id is None:
                client.lockout = None
        orphans = sorted(t for t in seen if t.startswith(TARGETED) and t not in known)
        self.assertEqual(orphans, [], "%s: audit events of objects nobody made" % context)

        # The chain verifies and covers every event; the killed server's file lost none.
        resp = server.get("/v1/audit/verify", token=admin)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), {"ok": True, "events": len(trail)}, context)
        exported = {(int(e["id"]), e["action"], e["target"]) for e in trail}
        missing = [row for row in file_state[0] if tuple(row) not in exported]
        self.assertEqual(missing, [], "%s: events of the file missing from the trail" % context)
        self.assertEqual(set(file_state[1]), set(keys), "%s: the file's keys and the API's" %
                         context)

        self.check_secrets(server, clients)

    def resolve(self, op, seen, where, by_name, what):
        """Decides whether the in-flight `op` landed, from what the restarted server shows, and
        applies it to the model if so; fails when it landed only in part. Returns whether it
        landed."""
        if getattr(op, "counted_failure", False):
            key = op.objs[0]
            found = where["apikey"][key.id]
            before = key.fails
            landed = found["failedAttempts"] == before + 1 and before < THRESHOLD
            if landed:
                op.apply(None)
            self.assertEqual(found["failedAttempts"], key.fails, what)
            return landed
        created = [o for o in op.objs if o.id is None]
        if created:
            obj = created[0]
            name = obj.fields["email" if obj.kind == "account" else "name"]
            found = by_name[obj.kind].get(name)
            if found is not None:
                obj.id = found["id"]
                if obj.kind == "apikey":
                    obj.prefix = found["prefix"]  # its secret was in the lost answer
                self.assertEqual(seen.get(obj.target, []), op.events[obj],
                                 "%s: created without its event" % what)
                op.apply(None)
            return found is not None  # an event without its object is an orphan: see check()
        landed = []
        for obj in op.objs:
            now = seen.get(obj.target, [])
            if now == obj.events + op.events[obj]:
                landed.append(True)
            elif now == obj.events:
                landed.append(False)
            else:
                self.fail("%s: %s has events %r, expected %r and maybe %r"
                          % (what, obj.target, now, obj.events, op.events[obj]))
        self.assertIn(landed, ([True] * len(landed), [False] * len(landed)),
                      "%s: landed in part" % what)
        if landed[0]:
            op.apply(None)
        # Whether the change matches the events is checked with every other object.
        return landed[0]

    @staticmethod
    def view(kind, found):
        """What the model keeps of an object, from the API's answer."""
        if kind == "apikey":
            return {"name": found["name"], "description": found["description"],
                    "role": found["role"]["id"], "allowed": allowlist(found["allowedIps"]),
                    "enabled": found["enabled"], "lockedOut": found["lockedOut"],
                    "failedAttempts": found["failedAttempts"]}
        if kind == "role":
            return {"name": found["name"], "description": found["description"],
                    "permissions": sorted(found["permissions"])}
        return {"email": found["email"], "givenName": found["givenName"],
                "role": found["role"]["id"], "enabled": found["enabled"]}

    def check_secrets(self, server, clients):
        """Each known secret still matches its key and each secret rotated away no longer does,
        asked from outside the allowlist so that nothing is counted (a match answers
        IP_NOT_ALLOWED, or DISABLED or LOCKED_OUT, which come first; a mismatch NOT_FOUND)."""
        for client in clients:
            for key in client.live(client.keys):
                for secret, matches in ((key.secret, True), (key.old_secret, False)):
                    if secret is None:
                        continue
                    resp = server.post("/v1/keys/verify", {"key": secret, "ip": OUTSIDE},
                                       token=self.admin)
                    self.assertEqual(resp.status, 200, resp)
                    code = resp.json()["code"]
                    self.assertEqual(code != "NOT_FOUND", matches,
                                     "round %d, %s: %s secret answered %s"
                                     % (self.round, key.target,
                                        "current" if matches else "rotated-away", code))
                key.old_secret = None  # checked once after its rotation


if __name__ == "__main__":
    unittest.main()
