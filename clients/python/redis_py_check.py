#!/usr/bin/python3
"""redis-py (Debian's python3-redis) with its default settings against one Redis-compatible endpoint.

usage: /usr/bin/python3 redis_py_check.py HOST PORT [--password PASSWORD] [--hold]

Runs the client checklist that every client script of Caravan shares (clients/README.md) and prints
one line per check, "PASS name detail" or "FAIL name detail"; exits 1 if any check failed, 2 on bad
usage. Only the password is set on the client; everything else is redis-py's default (RESP2, a
connection pool, pipeline() wrapped in MULTI/EXEC).

--password  every connection authenticates with it, and the 'auth' check runs: a connection without
            it gets NOAUTH, one with a wrong password gets WRONGPASS.
--hold      for a migration: after the checklist, keep the connection, INCR a counter in a loop,
            print "HOLD" and wait for a line on stdin; then check that the same connection
            (CLIENT ID) still serves, that every acknowledged INCR counted exactly once, that the
            data written before is intact, and run the checklist again.
"""
import os
import signal
import sys
import threading
import time

import redis

CHECK_TIMEOUT_S = 10
PIPELINE_COMMANDS = 1000
ALL_BYTES = bytes(range(256))
HASH = {b"f1": b"v1", b"f2": b"", b"f3": "ünïcode ✓".encode()}
LIST = [b"a", b"b", b"c"]

failures = 0
timed_out = None  # the check that got no reply: the connection is out of step, later checks are not run


class CheckTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise CheckTimeout(f"no reply within {CHECK_TIMEOUT_S} s")


def check(name, fn):
    """Runs fn (which returns a detail or raises) within the deadline and prints its line."""
    global failures, timed_out
    if timed_out is not None:
        failures += 1
        print(f"FAIL {name} not run: check '{timed_out}' got no reply within {CHECK_TIMEOUT_S} s", flush=True)
        return False
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(CHECK_TIMEOUT_S)
    try:
        detail = fn()
        print(f"PASS {name} {detail}", flush=True)
        return True
    except Exception as e:  # every failure of a check is reported, never raised
        failures += 1
        if isinstance(e, CheckTimeout):
            timed_out = name
        text = " ".join(str(e).split())
        print(f"FAIL {name} {type(e).__name__}: {text}", flush=True)
        return False
    finally:
        signal.alarm(0)


def expect(what, expected, actual):
    if expected != actual:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


class Checklist:
    def __init__(self, host, port, password):
        self.host, self.port, self.password = host, port, password
        self.prefix = f"clients:redis-py:{os.getpid()}:{time.monotonic_ns()}:"
        self.r = None

    def client(self, password=None):
        return redis.Redis(host=self.host, port=self.port, password=password)

    def key(self, phase, name):
        return (self.prefix + phase + ":" + name).encode()

    def run(self, phase):
        """The shared checklist; keys are per phase so a second run starts from nothing."""
        if self.r is None and not check("connect", self.connect):
            return
        k = lambda name: self.key(phase, name)
        check("set-get", lambda: self.set_get(k("s")))
        check("binary", lambda: self.binary(k("bin-") + ALL_BYTES))
        check("pipeline", lambda: self.pipeline(k("p:")))
        check("transaction", lambda: self.transaction(k("tx")))
        check("transaction-watch", lambda: self.transaction_watch(k("watched")))
        check("expire-ttl", lambda: self.expire_ttl(k("ttl"), k("no-ttl"), k("missing")))
        check("hash", lambda: self.hash(k("h")))
        check("list", lambda: self.list(k("l")))
        if self.password is not None:
            check("auth", lambda: self.auth(k("s")))

    def connect(self):
        self.r = self.client(self.password)
        expect("PING", True, self.r.ping())
        return "PING answered"

    def set_get(self, key):
        expect("SET", True, self.r.set(key, "value-1"))
        expect("GET", b"value-1", self.r.get(key))
        expect("GET of a missing key", None, self.r.get(key + b":missing"))
        return "SET then GET round-trips; a missing key is None"

    def binary(self, key):
        expect("SET", True, self.r.set(key, ALL_BYTES))
        expect("GET", ALL_BYTES, self.r.get(key))
        return "a key and a value holding all 256 byte values round-trip"

    def pipeline(self, prefix):
        p = self.r.pipeline(transaction=False)
        for i in range(PIPELINE_COMMANDS // 2):
            p.set(prefix + str(i).encode(), str(i))
            p.get(prefix + str(i).encode())
        replies = p.execute()
        expected = []
        for i in range(PIPELINE_COMMANDS // 2):
            expected += [True, str(i).encode()]
        expect(f"{PIPELINE_COMMANDS} replies", expected, replies)
        return f"{PIPELINE_COMMANDS} commands in one pipeline, replies in order"

    def transaction(self, key):
        p = self.r.pipeline()  # redis-py's default pipeline is MULTI ... EXEC
        p.set(key, "1").incr(key).get(key)
        expect("EXEC replies", [True, 2, b"2"], p.execute())
        return "pipeline() sent MULTI/SET/INCR/GET/EXEC: [True, 2, b'2']"

    def transaction_watch(self, key):
        self.r.set(key, "original")
        other = self.client(self.password)
        try:
            with self.r.pipeline() as p:
                p.watch(key)
                other.set(key, "changed-by-other")
                p.multi()
                p.set(key, "mine")
                try:
                    p.execute()
                    raise AssertionError("EXEC ran although a watched key changed")
                except redis.WatchError:
                    pass
        finally:
            other.close()
        expect("value after the aborted EXEC", b"changed-by-other", self.r.get(key))
        return "WATCH, a write by another connection, EXEC aborted with WatchError"

    def expire_ttl(self, key, persistent, missing):
        self.r.set(key, "v")
        self.r.set(persistent, "v")
        expect("EXPIRE", True, self.r.expire(key, 100))
        ttl = self.r.ttl(key)
        if not 90 <= ttl <= 100:
            raise AssertionError(f"TTL after EXPIRE 100: expected 90..100, got {ttl!r}")
        expect("TTL of a key without expiry", -1, self.r.ttl(persistent))
        expect("TTL of a missing key", -2, self.r.ttl(missing))
        return f"TTL {ttl} after EXPIRE 100; -1 without expiry; -2 when missing"

    def hash(self, key):
        expect("HSET of 3 new fields", 3, self.r.hset(key, mapping=HASH))
        expect("HGETALL", HASH, self.r.hgetall(key))
        expect("HGET", b"v1", self.r.hget(key, "f1"))
        return "HSET mapping of 3 fields, HGETALL and HGET"

    def list(self, key):
        expect("RPUSH", 3, self.r.rpush(key, *LIST))
        expect("LRANGE 0 -1", LIST, self.r.lrange(key, 0, -1))
        expect("LRANGE 1 1", [b"b"], self.r.lrange(key, 1, 1))
        return "RPUSH a b c, LRANGE"

    def auth(self, key):
        anonymous = self.client(None)
        try:
            anonymous.get(key)
            raise AssertionError("GET without the password was answered")
        except redis.AuthenticationError as e:
            expect("error without the password", "Authentication required.", str(e))
        finally:
            anonymous.close()
        wrong = self.client(self.password + "-wrong")
        try:
            wrong.ping()
            raise AssertionError("a wrong password was accepted")
        except redis.ResponseError as e:
            expect("error for a wrong password",
                   "WRONGPASS invalid username-password pair or user is disabled.", str(e))
        finally:
            wrong.close()
        return "NOAUTH without the password, WRONGPASS with a wrong one"

    def kept(self, phase):
        """What the first phase wrote, read back after the move."""
        k = lambda name: self.key(phase, name)
        expect("binary value", ALL_BYTES, self.r.get(k("bin-") + ALL_BYTES))
        expect("hash", HASH, self.r.hgetall(k("h")))
        expect("list", LIST, self.r.lrange(k("l"), 0, -1))
        p = self.r.pipeline(transaction=False)
        for i in range(PIPELINE_COMMANDS // 2):
            p.get(k("p:") + str(i).encode())
        expect("pipelined keys", [str(i).encode() for i in range(PIPELINE_COMMANDS // 2)], p.execute())
        ttl = self.r.ttl(k("ttl"))
        if not 1 <= ttl <= 100:
            raise AssertionError(f"TTL of the expiring key: expected 1..100, got {ttl!r}")
        return "binary value, hash, list, 500 pipelined keys and a TTL are intact"


class Counter:
    """INCRs one key in a loop on the checklist's connection and counts the acknowledged ones."""

    def __init__(self, r, key):
        self.r, self.key = r, key
        self.acked = 0
        self.error = None
        self.stopping = threading.Event()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        while not self.stopping.is_set():
            try:
                n = self.r.incr(self.key)
            except Exception as e:
                self.error = f"{type(e).__name__}: {' '.join(str(e).split())} after {self.acked} INCRs"
                break
            self.acked += 1
            if n != self.acked:
                self.error = f"INCR number {self.acked} returned {n}"
                break
            if self.acked >= 10:
                self.started.set()
            time.sleep(0.005)  # pacing: a steady trickle of writes, not a load test
        self.started.set()

    def stop(self):
        self.stopping.set()
        self.thread.join(CHECK_TIMEOUT_S)
        if self.thread.is_alive():
            raise AssertionError(f"the INCR loop hung after {self.acked} acknowledged INCRs")
        if self.error:
            raise AssertionError(self.error)
        return self.acked


def hold(checks):
    """The --hold protocol (module docstring): paced INCRs on the checklist's connection while the caller moves
    the process, then the checks of what the move kept."""
    seen = {}

    def client_id_before():
        seen["id"] = checks.r.client_id()
        return "CLIENT ID before the move"

    counter = Counter(checks.r, checks.key("moving", "counter"))

    def writes_during_move():
        seen["acked"] = counter.stop()
        return f"{seen['acked']} INCRs acknowledged"

    def writes_counted_once():
        expect("counter", str(seen["acked"]).encode(), checks.r.get(counter.key))
        return "GET equals the acknowledged INCRs"

    def connection_kept():
        expect("CLIENT ID", seen.get("id"), checks.r.client_id())
        return "CLIENT ID unchanged"

    check("client-id", client_id_before)
    counter.thread.start()
    counter.started.wait(CHECK_TIMEOUT_S)
    print("HOLD", flush=True)
    sys.stdin.readline()
    if check("writes-during-move", writes_during_move):
        check("writes-counted-once", writes_counted_once)
    check("connection-kept", connection_kept)
    check("data-kept", lambda: checks.kept("a"))
    checks.run("b")


def main(argv):
    args = list(argv)
    password, holding = None, False
    if "--hold" in args:
        args.remove("--hold")
        holding = True
    if "--password" in args:
        i = args.index("--password")
        if i + 1 >= len(args):
            return usage()
        password = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2 or not args[1].isdigit():
        return usage()
    checks = Checklist(args[0], int(args[1]), password)
    checks.run("a")
    if holding and checks.r is not None:
        hold(checks)
    print(f"redis-py {redis.__version__}: {'all checks passed' if failures == 0 else f'{failures} check(s) failed'}",
          flush=True)
    return 0 if failures == 0 else 1


def usage():
    print("usage: /usr/bin/python3 redis_py_check.py HOST PORT [--password PASSWORD] [--hold]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
