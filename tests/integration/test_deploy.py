#!/usr/bin/env python3
"""test_deploy.py - the files of deploy/ as they would run on a server, on
loopback: the shipped settings file drives a real `gimark serve`, the shipped
nginx site proxies to it with TLS, and the systemd units are checked.

a) deploy/gimark.conf, copied with only db and listen changed, starts the
   server (so every setting in it is one gimark knows).
b) deploy/nginx-gimark.conf, with loopback ports, a throwaway self-signed
   certificate and the server's port put in, passes `nginx -t` without a
   warning, and nginx runs it:
   - https GET /v/{genuine code} -> 200 and the consumer page, TLS verified
     against the throwaway certificate, HSTS set, HTTP/2 offered by ALPN; a
     TLS client naming no host of ours is refused at the handshake;
   - http -> 301 to https, except the ACME challenge directory;
   - the client gimark sees is nginx's view of it: the access log shows the
     same client key for a request through nginx as for one made directly
     from 127.0.0.1, even when the client forges X-Forwarded-For, and two
     different forged addresses share one unknown-code allowance
     (--unknown-per-minute 3: the 4th is 429), while a forged address
     believed directly would be a client of its own;
   - /metrics through nginx -> 403 (also spelt /%6Detrics), directly -> 200;
   - nginx refuses a body over max-body-bytes (413), an oversized header
     (400), TLS 1.1 (Debian's nginx.conf, which allows it, is mimicked
     around the site), and a burst past limit_req (429); its log of the site
     holds neither addresses nor codes, and its error log no error but the
     refusals asked for.
c) deploy/gimark.service and gimark-backup.{service,timer} pass
   `systemd-analyze verify` without a message, `systemd-analyze security
   --offline` rates both services at most 2.0 ("SAFE"/"OK"), and the backup
   command line, unescaped as systemd does, names gimark-YYYYMMDD.db.
   Without systemd-analyze this part is skipped with a note.

nginx and openssl come with `make deps` (DEB_PACKAGES); when missing the
test fails if the Makefile lists them, else it is skipped with a note.

Run from the repository root: python3 tests/integration/test_deploy.py
"""

import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import warnings

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gimark_test import GIMARK, ROOT, Server, Tally, Workdir, seed_verdicts  # noqa: E402

T = Tally("deploy")
DEPLOY = os.path.join(ROOT, "deploy")
HOST = "gi.example.cn"  # server_name of the shipped nginx site
ALLOWANCE = 3  # --unknown-per-minute
FORGED = ["203.0.113.9", "198.51.100.7"]


def in_deb_packages(pkg):
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^DEB_PACKAGES\s*=((?:.*\\\n)*.*)", text, re.M)
    return m is not None and pkg in m.group(1).replace("\\\n", " ").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=10):
    """Connects until the port accepts or the deadline passes; False if the
    process died first or the deadline passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def substitute(text, old, new, count_min=1):
    n = text.count(old)
    if n < count_min:
        raise RuntimeError("rendering deploy/: %r not found in the shipped file" % old)
    return text.replace(old, new)


# --- the settings file and the server ----------------------------------------


def render_conf(w):
    """deploy/gimark.conf with db and listen changed; nothing else."""
    with open(os.path.join(DEPLOY, "gimark.conf"), encoding="utf-8") as f:
        text = f.read()
    text, n1 = re.subn(r"(?m)^db = .*$", "db = " + w.db, text)
    text, n2 = re.subn(r"(?m)^listen = .*$", "listen = 127.0.0.1:0", text)
    T.check(n1 == 1 and n2 == 1, "deploy/gimark.conf sets db and listen once each", (n1, n2))
    path = os.path.join(w.dir, "gimark.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class ConfServer(Server):
    """`gimark --config FILE serve EXTRA...` on the port the file's listen gives."""

    def __init__(self, w, conf, *extra):
        super().__init__(w, *extra)
        self.conf = conf

    def command(self):
        env = dict(os.environ)
        for k in ("GIMARK_DB", "GIMARK_NOW", "GIMARK_CONFIG"):
            env.pop(k, None)
        return [GIMARK, "--config", self.conf, "serve"] + self.extra, env

    def access(self):
        return [ln for ln in self.stderr().splitlines() if ln.startswith("access ")]

    def next_access(self, before, seconds=5):
        """The access lines after the first `before`, once there is one (the
        log is written a few times a second); [] at the deadline."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            lines = self.access()
            if len(lines) > before:
                return lines[before:]
            time.sleep(0.02)
        return []


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


def direct(srv, path, xff=None):
    st, _, body = srv.get(path, headers={"X-Forwarded-For": xff} if xff else {})
    return st, body


# --- nginx ---------------------------------------------------------------------


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def make_cert(d):
    cert, key = os.path.join(d, "fullchain.pem"), os.path.join(d, "privkey.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + HOST,
                    "-addext", "subjectAltName=DNS:" + HOST, "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    os.chmod(key, 0o600)
    return cert, key


def render_nginx(d, http_port, https_port, upstream_port, cert, key, acme):
    """The shipped site with loopback ports and the test's paths, inside a
    minimal nginx.conf whose pid, logs and temp files are in d."""
    with open(os.path.join(DEPLOY, "nginx-gimark.conf"), encoding="utf-8") as f:
        site = f.read()
    site = re.sub(r"(?m)^\s*listen \[::\]:.*\n", "", site)  # loopback IPv4 only here
    site = substitute(site, "listen 80", "listen 127.0.0.1:%d" % http_port, 2)
    site = substitute(site, "listen 443 ssl", "listen 127.0.0.1:%d ssl" % https_port, 2)
    site = substitute(site, "server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % upstream_port)
    site = substitute(site, "/etc/gimark/tls/fullchain.pem", cert)
    site = substitute(site, "/etc/gimark/tls/privkey.pem", key)
    site = substitute(site, "root /var/www/acme;", "root %s;" % acme)
    site = substitute(site, "/var/log/nginx/gimark.access.log", os.path.join(d, "gimark.log"), 2)
    site_path = os.path.join(d, "gimark-site.conf")
    with open(site_path, "w", encoding="utf-8") as f:
        f.write(site)
    main = """worker_processes 1;
pid {d}/nginx.pid;
lock_file {d}/nginx.lock;
error_log {d}/error.log info;
events {{ worker_connections 512; }}
http {{
    # What Debian 12's /etc/nginx/nginx.conf sets around the sites it includes.
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    gzip on;
    access_log {d}/access.log;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {site};
}}
""".format(d=d, site=site_path)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(main)
    return conf


class TLSConnection(http.client.HTTPSConnection):
    """https to 127.0.0.1 naming HOST in SNI and Host, as a browser would."""

    def __init__(self, port, ctx, sni=HOST):
        super().__init__("127.0.0.1", port, context=ctx, timeout=10)
        self.sni = sni

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.sni)


def ask(conn, method, path, headers=None, body=None):
    h = {"Host": HOST}
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def refuse_tls11(nginx_dir, https_port):
    """A client offering only TLS 1.1 is refused by nginx (its error log says
    so, so the client did offer it), although Debian's defaults allow it."""
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname = False
    old.verify_mode = ssl.CERT_NONE
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deprecated: the point here
        old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
    log_before = read(os.path.join(nginx_dir, "error.log")).count("unsupported protocol")
    try:
        with socket.create_connection(("127.0.0.1", https_port), timeout=10) as s:
            with old.wrap_socket(s, server_hostname=HOST):
                pass
        v11 = "served"
    except (ssl.SSLError, OSError) as e:
        v11 = "refused: %s" % e
    # nginx's worker logs the refusal after the client has its alert: wait for the line
    deadline = time.monotonic() + 10
    logged = read(os.path.join(nginx_dir, "error.log")).count("unsupported protocol")
    while logged <= log_before and time.monotonic() < deadline:
        time.sleep(0.05)
        logged = read(os.path.join(nginx_dir, "error.log")).count("unsupported protocol")
    T.check(v11.startswith("refused") and logged > log_before,
            "a TLS 1.1 client is refused by nginx (unsupported protocol)", v11)


def check_nginx(w, codes, nginx_dir):
    cert, key = make_cert(nginx_dir)
    acme = os.path.join(nginx_dir, "acme")
    os.makedirs(os.path.join(acme, ".well-known", "acme-challenge"))
    with open(os.path.join(acme, ".well-known", "acme-challenge", "tok3n"), "w") as f:
        f.write("tok3n.key-authorisation\n")
    for root, dirs, files in os.walk(nginx_dir):  # nginx's workers run as nobody
        for n in dirs:
            os.chmod(os.path.join(root, n), 0o755)
    os.chmod(nginx_dir, 0o755)

    srv = ConfServer(w, render_conf(w), "--unknown-per-minute", ALLOWANCE).start()
    nginx = None
    proxied = 0
    statuses = {}
    try:
        http_port, https_port = free_port(), free_port()
        conf = render_nginx(nginx_dir, http_port, https_port, srv.port, cert, key, acme)
        base = ["nginx", "-c", conf, "-p", nginx_dir, "-e", os.path.join(nginx_dir, "error.log")]
        t = subprocess.run(base + ["-t"], capture_output=True, text=True)
        out = t.stdout + t.stderr
        T.check(t.returncode == 0 and "test is successful" in out, "nginx -t accepts the site",
                out)
        T.check(not re.search(r"\[(warn|emerg|alert|crit)\]", out), "nginx -t: no warning", out)
        nginx = subprocess.Popen(base + ["-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        if not T.check(wait_port(https_port, nginx) and wait_port(http_port, nginx),
                       "nginx listens on both loopback ports"):
            return

        ctx = ssl.create_default_context(cafile=cert)
        ctx.set_alpn_protocols(["http/1.1"])
        c = TLSConnection(https_port, ctx)
        genuine = codes["GENUINE"]

        def through(path, xff=None, conn=None, method="GET", body=None, headers=None):
            nonlocal proxied
            conn = conn or c  # the current one
            h = dict(headers or {})
            if xff:
                h["X-Forwarded-For"] = xff
            st, hd, data = ask(conn, method, path, h, body)
            proxied += 1
            statuses[st] = statuses.get(st, 0) + 1
            return st, hd, data

        # A direct request from 127.0.0.1: the client key nginx's requests should carry.
        n = len(srv.access())
        st, _ = direct(srv, "/api/v1/verify/" + genuine)
        line = srv.next_access(n)
        T.check(st == 200 and line, "direct verification answered and logged", (st, line))
        local_key = fields(line[0]).get("client") if line else None

        # The consumer page through nginx, TLS verified.
        n = len(srv.access())
        st, hd, page = through("/v/" + genuine)
        T.check(st == 200 and b"<html" in page.lower() and genuine[:4].encode() in page,
                "GET /v/{genuine} through nginx: 200 and the consumer page", (st, page[:200]))
        T.check(c.sock.version() == "TLSv1.3", "TLS 1.3 negotiated", c.sock.version())
        T.check(hd.get("strict-transport-security", "").startswith("max-age="), "HSTS is set", hd)
        T.check(hd.get("server") == "nginx", "nginx names no version", hd.get("server"))
        T.check("content-security-policy" in hd, "gimark's own security headers pass through", hd)
        line = srv.next_access(n)
        f = fields(line[0]) if line else {}
        T.check(len(line) == 1 and f.get("route") == "verify_page" and f.get("status") == "200"
                and f.get("verdict") == "GENUINE", "the access log has the proxied request",
                line)
        T.check(f.get("client") == local_key,
                "through nginx, the client in the access log is nginx's view of it (127.0.0.1)",
                (f.get("client"), local_key))
        tls_version = c.sock.version()

        # A forged X-Forwarded-For through nginx changes nothing ...
        n = len(srv.access())
        st, _, _ = through("/v/" + genuine, xff=FORGED[0])
        line = srv.next_access(n)
        forged_through = fields(line[0]).get("client") if line else None
        T.check(st == 200 and forged_through == local_key,
                "a forged X-Forwarded-For through nginx is not believed", (st, line, local_key))
        # ... while the same header believed from a trusted peer is another client.
        n = len(srv.access())
        st, _ = direct(srv, "/api/v1/verify/" + genuine, xff=FORGED[0])
        line = srv.next_access(n)
        forged_key = fields(line[0]).get("client") if line else None
        T.check(st == 200 and forged_key and forged_key != local_key,
                "control: the forged address, believed directly, is a client of its own",
                (forged_key, local_key))

        # Two forged addresses through nginx share one unknown-code allowance.
        got = []
        for i in range(ALLOWANCE + 1):
            st, hd, _ = through("/v/K7M3-9QX2-HD4T-PW%d%s" % (i, "N"), xff=FORGED[i % 2])
            got.append(st)
        T.check(got == [404] * ALLOWANCE + [429],
                "forged X-Forwarded-For values through nginx share one allowance of %d unknown "
                "codes: the %dth is 429" % (ALLOWANCE, ALLOWANCE + 1), got)
        T.check(hd.get("strict-transport-security"), "HSTS on the 429 too", hd)
        st_forged, _ = direct(srv, "/v/K7M3-9QX2-HD4T-PW9N", xff=FORGED[0])
        st_local, _ = direct(srv, "/v/K7M3-9QX2-HD4T-PW8N")
        T.check(st_forged == 404 and st_local == 429,
                "control: the forged address's own allowance is untouched (404), 127.0.0.1's is "
                "used up (429)", (st_forged, st_local))

        # Metrics: not public.
        for path in ("/metrics", "/%6Detrics", "/metrics?x=1", "//metrics"):
            st, _, _ = through(path)
            T.check(st == 403, "GET %s through nginx: 403" % path, st)
        st, body = direct(srv, "/metrics")
        T.check(st == 200 and b"gimark_http_requests_total" in body,
                "GET /metrics directly on loopback: 200", (st, body[:100]))
        st, _, body = through("/healthz")
        T.check(st == 200, "GET /healthz through nginx: 200", st)

        # What nginx refuses before gimark sees it.
        n = len(srv.access())
        st, _, _ = through("/v/%s/report" % genuine, method="POST", body=b"x" * 40000,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        T.check(st == 413, "a 40000-byte body (max-body-bytes 32768): 413 from nginx", st)
        c.close()
        c = TLSConnection(https_port, ctx)
        st, _, _ = through("/healthz", conn=c, headers={"X-Big": "a" * 20000})
        T.check(st == 400, "a 20000-byte header: 400 from nginx", st)
        c.close()
        c = TLSConnection(https_port, ctx)
        T.check(len(srv.access()) == n, "refused requests never reached gimark",
                srv.access()[n:])

        # Plain http: a redirect, but for the ACME challenge.
        h = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        st, hd, _ = ask(h, "GET", "/v/%s?lang=en" % genuine)
        T.check(st == 301 and hd.get("location") == "https://%s/v/%s?lang=en" % (HOST, genuine),
                "http://.../v/{code} -> 301 to https, path and query kept",
                (st, hd.get("location")))
        st, _, body = ask(h, "GET", "/.well-known/acme-challenge/tok3n")
        T.check(st == 200 and body == b"tok3n.key-authorisation\n",
                "http ACME challenge served from the webroot", (st, body))
        h.close()
        proxied += 2
        statuses[301] = statuses.get(301, 0) + 1
        statuses[200] = statuses.get(200, 0) + 1
        h = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        try:
            h.request("GET", "/", headers={"Host": "unknown.example"})
            h.getresponse()
            refused = False
        except (http.client.HTTPException, OSError):
            refused = True  # 444: closed without an answer
        h.close()
        T.check(refused, "http with a host not ours: closed without an answer")

        # TLS: HTTP/2 offered; no answer to a client naming no host of ours.
        h2 = ssl.create_default_context(cafile=cert)
        h2.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection(("127.0.0.1", https_port), timeout=10) as s:
            with h2.wrap_socket(s, server_hostname=HOST) as t:
                alpn = t.selected_alpn_protocol()
        T.check(alpn == "h2", "HTTP/2 offered by ALPN", alpn)
        raw = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        raw.check_hostname = False
        raw.verify_mode = ssl.CERT_NONE
        try:
            with socket.create_connection(("127.0.0.1", https_port), timeout=10) as s:
                with raw.wrap_socket(s, server_hostname="other.example"):
                    pass
            rejected = False
        except (ssl.SSLError, OSError):
            rejected = True
        T.check(rejected, "TLS naming a host not ours: handshake refused")

        # TLS 1.2 is served; TLS 1.1 is not.
        v12 = ssl.create_default_context(cafile=cert)
        v12.maximum_version = ssl.TLSVersion.TLSv1_2
        c12 = TLSConnection(https_port, v12)
        st, _, _ = through("/healthz", conn=c12)
        T.check(st == 200 and c12.sock.version() == "TLSv1.2", "a TLS 1.2 client is served",
                (st, c12.sock.version()))
        c12.close()
        if not ssl.HAS_TLSv1_1:
            print("deploy: this Python's OpenSSL cannot offer TLS 1.1: that check skipped")
        else:
            refuse_tls11(nginx_dir, https_port)

        # limit_req: a burst from one address past 200 is refused with 429.
        earlier = proxied  # these used up some of the burst already
        burst = {}
        for _ in range(400):
            st, _, _ = through("/healthz")
            burst[st] = burst.get(st, 0) + 1
        c.close()
        T.check(burst.get(200, 0) >= 200 - earlier and burst.get(429, 0) > 0
                and set(burst) <= {200, 429},
                "400 requests at once from one address: the burst of 200 served (less the %d "
                "made before), the rest 429" % earlier, burst)
        log = read(os.path.join(nginx_dir, "gimark.log"))
        T.check(log.count("\n") == proxied and "127.0.0.1" not in log
                and genuine not in log, "nginx's log of the site: no addresses, no codes",
                "%d lines for %d requests: %s" % (log.count("\n"), proxied, log[:200]))
        print("deploy: %d requests through nginx (%s), answers by status %s; of a burst of 400 "
              "at once: %s" % (proxied, tls_version, dict(sorted(statuses.items())), burst))
    finally:
        if nginx is not None:
            if nginx.poll() is None:
                nginx.send_signal(signal.SIGQUIT)  # graceful
            try:
                nginx.wait(timeout=20)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
            err = nginx.stderr.read() + read(os.path.join(nginx_dir, "error.log"))
            nginx.stderr.close()
            levels = {}
            for lvl in re.findall(r"\[(\w+)\]", err):
                levels[lvl] = levels.get(lvl, 0) + 1
            print("deploy: nginx's error log, lines by level: %s" % levels)
            # Refusals the test asked for; nginx logs some of them as errors.
            asked = ("access forbidden by rule", "client intended to send too large body")
            bad = [ln for ln in err.splitlines() if re.search(r"\[(emerg|alert|crit|error)\]", ln)
                   and not any(a in ln for a in asked)]
            T.check(not bad, "nginx's error log: no error but the refusals asked for",
                    "\n".join(bad)[:600])
        rc = srv.stop()
        T.check(rc == 0, "gimark stopped by SIGTERM: exit status 0", srv.stderr()[-300:])
    lines = srv.access()
    print("deploy: gimark wrote %d access lines; clients seen: %d distinct keys" %
          (len(lines), len({fields(ln).get("client") for ln in lines} - {None})))


# --- systemd units ---------------------------------------------------------------


def check_units(tmp):
    with open(os.path.join(DEPLOY, "gimark-backup.service"), encoding="utf-8") as f:
        backup = f.read()
    # The backup's file name: unescape as systemd does (%% -> %, $$ -> $) and
    # run the shell line with echo standing in for gimark.
    m = re.search(r"(?m)^ExecStart=(/bin/sh -c .*)$", backup)
    if T.check(m is not None, "gimark-backup.service runs the backup through sh -c"):
        argv = shlex.split(m.group(1).replace("%%", "%").replace("$$", "$"))
        T.check(argv[2].startswith("exec /usr/local/bin/gimark --config "
                                   "/etc/gimark/gimark.conf backup --out "), "backup command",
                argv)
        line = argv[2].replace("/usr/local/bin/gimark", "echo", 1)
        out = subprocess.run(["sh", "-c", line], capture_output=True, text=True).stdout.strip()
        want = "/var/backups/gimark/gimark-%s.db" % time.strftime("%Y%m%d")
        T.check(out.endswith("--out " + want), "the backup file is named " + want, out)
    T.check(re.search(r"(?m)^ExecStart=/usr/bin/find /var/backups/gimark .*-mtime \+\d+ "
                      r"-delete$", backup) is not None, "old backups are pruned with find")

    if shutil.which("systemd-analyze") is None:
        print("deploy: systemd-analyze not installed: unit checks skipped (note, not a failure)")
        return
    # verify wants the binaries to exist: point the units at the built one.
    units = []
    for name in ("gimark.service", "gimark-backup.service", "gimark-backup.timer"):
        with open(os.path.join(DEPLOY, name), encoding="utf-8") as f:
            text = f.read().replace("/usr/local/bin/gimark", GIMARK)
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        units.append(path)
    p = subprocess.run(["systemd-analyze", "verify"] + units, capture_output=True, text=True)
    msg = (p.stdout + p.stderr).strip()
    T.check(p.returncode == 0 and msg == "", "systemd-analyze verify: no message", msg)
    for path in units[:2]:
        p = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", path],
                           capture_output=True, text=True)
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", p.stdout)
        if m is None:
            print("deploy: systemd-analyze security --offline not available: %s" %
                  (p.stderr.strip()[:200]))
            continue
        T.check(float(m.group(1)) <= 2.0, "%s: exposure %s %s (at most 2.0)" %
                (os.path.basename(path), m.group(1), m.group(2)), p.stdout[-600:])
        print("deploy: systemd-analyze security %s: %s %s" % (os.path.basename(path), m.group(1),
                                                              m.group(2)))


def main():
    missing = [tool for tool in ("nginx", "openssl") if shutil.which(tool) is None]
    w = Workdir()
    try:
        check_units(w.dir)
        if missing:
            listed = [t for t in missing if in_deb_packages("nginx-light" if t == "nginx" else t)]
            print("deploy: %s not installed: nginx checks skipped" % ", ".join(missing))
            T.check(not listed, "make deps installs %s (in DEB_PACKAGES)" % ", ".join(listed))
        else:
            codes = seed_verdicts(w)
            os.chmod(w.dir, 0o755)  # nginx's workers (nobody when run as root) read in here
            nginx_dir = os.path.join(w.dir, "nginx")
            os.makedirs(nginx_dir)
            check_nginx(w, codes, nginx_dir)
    finally:
        w.cleanup()
    T.finish()


if __name__ == "__main__":
    main()
