"""gimark_test.py - what the integration tests share: a throwaway database
seeded through the real CLI with a label for every verdict, the real server
started on a free loopback port, and a pass/fail tally that ends with the
"N passed, N failed" line of `make test`.

The server prints "gimark: listening on http://HOST:PORT/" once it accepts
connections; start() waits for that line (bounded), never for a fixed time.

With GIMARK_TEST_PG set (the URI of a test cluster's database, from
tests/pg-cluster.sh), every Workdir gets a fresh PostgreSQL database of its
own on that cluster instead of a SQLite file, and sql() runs in psql; the
few SQLite spellings the suites use (group_concat, char, hex, .dump,
PRAGMA integrity_check) are given their PostgreSQL form.
"""

import http.client
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GIMARK = os.environ.get("GIMARK", os.path.join(ROOT, "build", "gimark"))
DAY = 86400
# A batch is approved by another actor than the one that requested it (the
# CLI acts as cli:$USER unless --actor names someone else).
REVIEWER = "cli:reviewer"
PASSWORD = "correct horse battery staple"  # of the accounts add_user makes
PG = os.environ.get("GIMARK_TEST_PG", "")
PSQL = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")
_databases = itertools.count(1)


def engine():
    """The engine the suites run on: "postgresql" or "sqlite"."""
    return "postgresql" if PG else "sqlite"


class PsqlError(subprocess.CalledProcessError):
    """A query psql refused, with what it said."""

    def __init__(self, query, out, err):
        super().__init__(1, "psql", out, err)
        self.query = query

    def __str__(self):
        return "psql: %s: %s" % (self.query[:200], self.stderr.strip()[:500])


class _PsqlSession:
    """One psql process kept open on a database: a query costs a round trip, not
    a process and a connection (psql per query cost a suite of many database
    comparisons a minute). Each query is followed by \\echo and \\warn of a
    marker, so its output ends where the marker appears on stdout and its
    messages (errors among them) are what came on stderr before the marker."""

    def __init__(self, uri, scans):
        env = dict(os.environ, PGOPTIONS="-c search_path=scans,public" if scans else "")
        self.p = subprocess.Popen([PSQL, "-X", "-q", "-At", "-F", "|", "-d", uri],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        self.marks = itertools.count(1)

    def run(self, query):
        mark = "--gimark-test-%d--" % next(self.marks)
        self.p.stdin.write("%s;\n\\echo %s\n\\warn %s\n" % (query, mark, mark))
        self.p.stdin.flush()
        out, err = self._until(self.p.stdout, mark), self._until(self.p.stderr, mark)
        lost = ("FATAL:", "server closed the connection", "connection to server",
                "no connection to the server")
        if any(sign in line for line in err for sign in lost):
            raise EOFError("psql lost its connection: " + " ".join(err))  # asked again
        if any(line.startswith(("ERROR:", "PANIC:", "psql:")) for line in err):
            raise PsqlError(query, "\n".join(out), "\n".join(err))
        return "\n".join(out).strip()

    @staticmethod
    def _until(stream, mark):
        lines = []
        while True:
            line = stream.readline()
            if not line:
                raise EOFError("psql ended")
            if line.rstrip("\n") == mark:
                return lines
            lines.append(line.rstrip("\n"))

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        self.p.kill()
        self.p.wait()
        self.p.stdout.close()
        self.p.stderr.close()


_psql_sessions = {}
_psql_lock = threading.Lock()


def psql(uri, query, scans=False):
    """Runs query on uri; returns its rows as text (columns split by |)."""
    with _psql_lock:
        if re.match(r"\s*(create|drop)\s+database", query, re.I):
            # a database being dropped or copied must have no session on it
            for key in [k for k in _psql_sessions if k[0] != uri]:
                _psql_sessions.pop(key).close()
        key = (uri, scans)
        for attempt in (1, 2):
            if key not in _psql_sessions:
                _psql_sessions[key] = _PsqlSession(uri, scans)
            try:
                return _psql_sessions[key].run(query)
            except (EOFError, BrokenPipeError):  # its connection was cut: once more
                _psql_sessions.pop(key).close()
                if attempt == 2:
                    raise


def _group_concat(query):
    """group_concat(x[, sep]) as string_agg(x, sep), sep ',' by default."""
    start = query.find("group_concat(")
    if start < 0:
        return query
    i = start + len("group_concat(")
    depth, quoted, comma = 1, False, None
    while depth:
        c = query[i]
        if c == "'":
            quoted = not quoted
        elif not quoted and c == "(":
            depth += 1
        elif not quoted and c == ")":
            depth -= 1
        elif not quoted and c == "," and depth == 1:
            comma = i
        i += 1
    inner = query[start + len("group_concat("):i - 1]
    args = inner if comma is not None else inner + ", ','"
    return query[:start] + "string_agg(" + args + ")" + _group_concat(query[i:])


def pg_spelling(query):
    """The PostgreSQL form of the SQLite spellings the suites use."""
    query = re.sub(r"\bchar\((\d+)\)", r"chr(\1)", _group_concat(query))
    return re.sub(r"hex\((\w+)\)", r"upper(encode(convert_to(\1, 'UTF8'), 'hex'))", query)


class Tally:
    """Counts checks; prints failures as they happen and the total at the end."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s%s" % (what, (" -- " + str(detail)[:400]) if detail else ""))
            sys.stdout.flush()
        return cond

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


class Workdir:
    """A temporary directory with a database, driven through the CLI."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="gimark-it-")
        self.pg_name = None
        if PG:
            self.pg_name = "it_%d_%d" % (os.getpid(), next(_databases))
            psql(PG, "CREATE DATABASE " + self.pg_name)
            self.db = PG.rsplit("/", 1)[0] + "/" + self.pg_name
        else:
            self.db = os.path.join(self.dir, "test.db")

    def cleanup(self):
        if self.pg_name:
            # FORCE ends the sessions on it; one a server opens again at that
            # moment, or an autovacuum worker (which PostgreSQL 15 will not let
            # a role that is not a superuser end), makes the drop fail: asked
            # again until it goes (bounded)
            deadline = time.monotonic() + 30
            passing = ("being accessed by other users", "must be a member of the role")
            while True:
                try:
                    psql(PG, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.pg_name)
                    break
                except PsqlError as e:
                    if not any(p in e.stderr for p in passing) or time.monotonic() > deadline:
                        raise
        shutil.rmtree(self.dir, ignore_errors=True)

    def gimark(self, *args, now=None, stdin=None):
        """Runs gimark; returns stdout. Raises on a non-zero exit."""
        env = dict(os.environ, GIMARK_DB=self.db)
        env.pop("GIMARK_NOW", None)
        if now is not None:
            env["GIMARK_NOW"] = str(int(now))
        p = subprocess.run([GIMARK] + [str(a) for a in args], env=env, input=stdin,
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("gimark %s: exit %d: %s" % (" ".join(map(str, args)),
                                                          p.returncode, p.stderr.strip()))
        return p.stdout

    def json(self, *args, now=None):
        return json.loads(self.gimark("--json", *args, now=now))

    def sql(self, query, db=None, scans=False):
        if PG and db is None:
            if query == ".dump":
                return self.dump()
            if query.lower() == "pragma integrity_check":
                return "ok"  # PostgreSQL checks its pages itself (data checksums)
            return psql(self.db, pg_spelling(query), scans=scans)
        p = subprocess.run(["sqlite3", db or self.db, query], capture_output=True, text=True,
                           check=True)
        return p.stdout.strip()

    def scans_sql(self, query):
        """A query on the scans (the scans file of a SQLite database, db/db.h)."""
        if PG:
            return self.sql(query, scans=True)
        return self.sql(query, db=self.db[:-3] + "-scans.db")

    def copy_from(self, other):
        """Makes this workdir's database a copy of other's (no server on either)."""
        if PG:
            psql(PG, "DROP DATABASE %s" % self.pg_name)
            psql(PG, "CREATE DATABASE %s TEMPLATE %s" % (self.pg_name, other.pg_name))
            return
        for name in os.listdir(other.dir):  # the database, its scans file and their WALs
            if name.startswith("test"):
                shutil.copy(os.path.join(other.dir, name), self.dir)

    def tables(self):
        """The names of the register's tables."""
        if PG:
            return set(self.sql("select tablename from pg_tables where schemaname = 'public'")
                       .split())
        return set(self.sql("select name from sqlite_master where type='table'").split())

    def dump(self):
        """The register's rows (the scans aside), as text to compare before and after."""
        if not PG:
            return self.sql(".dump")
        # every table's rows as text, in a stable order, in one query (pg_dump per
        # comparison cost a test of many refusals a minute): a sequence that moved
        # on for a refused insert, or a row an update rolled back left elsewhere
        # in its table, changes nothing here
        tables = sorted(self.tables())
        return psql(self.db, " UNION ALL ".join(
            "SELECT '%s', coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') "
            "FROM public.%s t" % (name, name) for name in tables))

    def fingerprint(self):
        """A hash of the register's rows (the scans aside): equal before and
        after exactly when dump() would be, without carrying the rows here."""
        if not PG:
            return self.sql(".sha3sum")
        tables = sorted(self.tables())
        return psql(self.db, "SELECT md5(string_agg(r, E'\\n' ORDER BY n)) FROM (" + " UNION ALL ".join(
            "SELECT '%s' AS n, '%s' || coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') AS r "
            "FROM public.%s t" % (name, name, name) for name in tables) + ") d")

    def batch(self, auth, count, now=None, activate=True, lot="LOT-1"):
        """Requests, approves and issues a batch; returns (id, [codes])."""
        b = self.json("batch", "request", "--auth", auth, "--count", count, "--lot", lot,
                      "--harvest-date", "2026-07-01", "--base", "演示基地",
                      "--cert", "GXJC-2026-0815", now=now)
        self.gimark("batch", "approve", b["id"], "--actor", REVIEWER, now=now)
        self.gimark("batch", "issue", b["id"], now=now)
        if activate:
            self.gimark("batch", "activate", b["id"], now=now)
        csv = os.path.join(self.dir, "b%d.csv" % b["id"])
        self.gimark("batch", "export", b["id"], "--format", "csv", "--out", csv,
                    "--base-url", "https://gi.example.cn")
        with open(csv, encoding="utf-8") as f:
            codes = [line.split(",")[0].replace("-", "") for line in f.read().splitlines()[1:]]
        return b["id"], codes


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_with_checks(first17):
    """first17 with its organisation-code and GB 32100 check characters made right."""
    org = first17[8:16]
    total = sum(int(c, 36) * w for c, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2)))
    check = 11 - total % 11
    body = first17[:16] + ("X" if check == 10 else "0" if check == 11 else str(check))
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(
        body, (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)))
    return body + USCC_CHARS[(31 - total % 31) % 31]


def add_user(w, name, role, operator=None, scope=None):
    """Adds an account with PASSWORD and returns an API token of it."""
    args = ["user", "add", name, "--role", role]
    if operator:
        args += ["--operator", operator]
    if scope:
        args += ["--scope", scope]
    w.gimark(*args, stdin=PASSWORD + "\n")
    return w.json("token", "create", name, "--name", "test")["token"]


def seed_verdicts(w):
    """Seeds w with the demo data and one code per verdict; returns
    {verdict: code} plus 'gtin' -> (gtin, code) for a product with a GTIN."""
    w.gimark("init")
    w.gimark("demo")
    codes = {}
    _, c = w.batch(1, 3)
    codes["GENUINE"] = c[0]
    codes["GENUINE_REPEATED"] = c[1]
    codes["VOID_SOURCE"] = c[2]
    _, c = w.batch(1, 1, activate=False)
    codes["NOT_ACTIVATED"] = c[0]
    w.gimark("batch", "void", 1, codes["VOID_SOURCE"], "--reason", "misprint")
    codes["VOID"] = codes.pop("VOID_SOURCE")
    _, c = w.batch(2, 1)
    codes["AUTH_SUSPENDED"] = c[0]
    w.gimark("auth", "suspend", 2, "--reason", "inspection pending")
    _, c = w.batch(3, 1)
    codes["AUTH_REVOKED"] = c[0]
    w.gimark("auth", "revoke", 3, "--reason", "left the cooperative")

    # An authorisation that ran out: granted and used two years ago, valid one year,
    # of the Hengzhou tea company for Hengxian jasmine tea (its authorisation 3 is
    # revoked above).
    past = time.time() - 2 * 365 * DAY
    until = time.strftime("%Y-%m-%d", time.gmtime(past + 365 * DAY))
    a = w.json("auth", "grant", "--operator", "91450100MA8609132C", "--product", 3,
               "--quota", 1000, "--until", until, now=past)
    w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475", now=past)
    _, c = w.batch(a["id"], 1, now=past + 60)
    codes["AUTH_EXPIRED"] = c[0]

    # A product with a GTIN, for the GS1 Digital Link form, from where the
    # operator is seated (Hengzhou, 450127).
    p = w.json("product", "add", "--name-zh", "横州茉莉花（测试）", "--name-en",
               "Hengzhou Jasmine (test)", "--region", "450127", "--gtin", "6901234567892")
    # no number, like the demo's: printed under the office's decision
    w.gimark("product", "allow-unnumbered", p["id"], "--reason", "test product, no number")
    a = w.json("auth", "grant", "--operator", "91450100MA8609132C", "--product", p["id"],
               "--quota", 1000)
    w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475")
    _, c = w.batch(a["id"], 1)
    codes["gtin"] = ("06901234567892", c[0])
    return codes


def audit_regions(w):
    """{audit row id: region code or None}, each row's region looked up from
    the record it names, one entity kind at a time."""
    lookup = {
        "operator": "select region_code from operator where id = %d",
        "product": "select region_code from product where id = %d",
        "authorisation": "select o.region_code from authorisation a join operator o "
                         "on o.id = a.operator_id where a.id = %d",
        "batch": "select o.region_code from batch b join authorisation a on a.id = b.auth_id "
                 "join operator o on o.id = a.operator_id where b.id = %d",
        "report": "select o.region_code from report r join label l on l.code = r.code "
                  "join batch b on b.id = l.batch_id join authorisation a on a.id = b.auth_id "
                  "join operator o on o.id = a.operator_id where r.id = %d",
    }
    regions = {}
    for line in w.sql("select id || '|' || entity || '|' || entity_id from audit_log").split():
        rid, entity, eid = line.split("|")
        region = w.sql(lookup[entity] % int(eid)) if entity in lookup else ""
        regions[int(rid)] = region or None
    return regions


def soon(read, ok, timeout=5):
    """read() once ok(it) holds, or the last one read when timeout seconds
    have passed. A change made elsewhere (the CLI, another worker) shows once
    the server's snapshot is renewed (within 50 ms, each worker thread its
    own), so tests poll with a deadline rather than a count of polls (a count
    ran out under AddressSanitizer)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value) or time.monotonic() > deadline:
            return value


def verdict_soon(server, code, want, timeout=5):
    """The JSON verdict on code once it reads want (see soon). Each poll is a
    scan, and a fast host polls many times before a change shows:
    GENUINE_REPEATED reads as GENUINE, since the polls themselves may pass
    the repeat threshold on a server that counts requests."""
    def read():
        verdict = json.loads(server.get("/api/v1/verify/" + code)[2])["verdict"]
        return "GENUINE" if verdict == "GENUINE_REPEATED" else verdict
    return soon(read, lambda v: v == want, timeout)


def verification_as(server, code, client, conn=None):
    """The JSON verification of code for client (an address a trusted proxy
    forwards), or {"status": N} when not answered 200."""
    status, _, body = server.request("GET", "/api/v1/verify/" + code,
                                     headers={"X-Forwarded-For": client}, conn=conn)
    return json.loads(body) if status == 200 else {"status": status}


def verify_soon(server, code, cond, timeout=5):
    """The JSON verification of code once cond(doc) holds (see soon)."""
    return soon(lambda: json.loads(server.get("/api/v1/verify/" + code)[2]), cond, timeout)


def page_soon(server, path, needle, timeout=5):
    """The page at path once it holds needle, bytes (see soon)."""
    return soon(lambda: server.get(path)[2], lambda page: needle in page, timeout)


def verdict_once_activated(server, code):
    """The JSON verdict on code once the server sees its batch activated
    (GENUINE_REPEATED reads as GENUINE, as in verdict_soon)."""
    return soon(lambda: verdict_soon(server, code, "GENUINE", timeout=0),
                lambda verdict: verdict != "NOT_ACTIVATED")


def api_call(s, method, path, token, body=None):
    """An API request with a bearer token (None: without one); body a document,
    or bytes or text sent as they are. Returns (status, JSON document or None, raw)."""
    headers = {"Authorization": "Bearer " + token} if token else {}
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers["Content-Type"] = "application/json"
    status, _, raw = s.request(method, "/api/v1/" + path, body=data, headers=headers)
    try:
        doc = json.loads(raw) if raw else None
    except ValueError:
        doc = None
    return status, doc, raw


class Server:
    """The real server on a free loopback port."""

    def __init__(self, workdir, *extra):
        self.w = workdir
        self.extra = [str(e) for e in extra]
        self.proc = None
        self.port = None
        self.err_path = os.path.join(workdir.dir, "server.err")
        for n in itertools.count(2):  # another server on the same workdir: its own log
            if not os.path.exists(self.err_path):
                break
            self.err_path = os.path.join(workdir.dir, "server-%d.err" % n)

    def command(self):
        """The command line and environment start() runs."""
        env = dict(os.environ, GIMARK_DB=self.w.db)
        env.pop("GIMARK_NOW", None)
        return [GIMARK, "serve", "--listen", "127.0.0.1:0"] + self.extra, env

    def start(self):
        argv, env = self.command()
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=self.err,
                                     text=True)
        line = self.proc.stdout.readline()  # blocks until ready, or EOF if it failed
        if "listening on" not in line:
            self.proc.wait(timeout=10)
            raise RuntimeError("server did not start: %s %s" % (line, self.stderr()))
        self.port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
        return self

    def stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stops the server with sig; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.err.close()
        self.proc = None
        if rc != 0 and sig != signal.SIGKILL:  # what the server said before it died
            sys.stderr.write("server exited with %s; its last messages:\n%s\n"
                             % (rc, self.stderr()[-3000:]))
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def conn(self, timeout=10, source=None):
        """A connection, from the loopback address source when given
        (127.0.0.2 and up: another client)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)

    def request(self, method, path, body=None, headers=None, conn=None):
        """One request; returns (status, headers dict lower-cased, body bytes)."""
        c = conn or self.conn()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            if conn is None:
                c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)
