#!/usr/bin/env python3
"""test_downloads.py - print files are drawn on render threads, never on the
request workers: a consumer's verification answers within 50 ms while two
1M-label downloads render and are abandoned; a download of more labels than
the setting is refused with 413 naming `gimark batch export`; an SVG of 1M
labels streams with the server's memory bounded; one job per account (429);
a full queue is 503; HEAD renders nothing; a PDF of more labels than
pdf-part-labels is a ZIP of PDF parts whose first part leaves at once; no
file is left in TMPDIR; SIGTERM during a render
exits within 5 s; the audit rows say the format and the count, no path.
"""

import io
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gimark_test as g  # noqa: E402
from test_pages import Browser  # noqa: E402

add_user = g.add_user
BIG = 1000000


def seed(w):
    """Demo data, a batch of 1M labels (issued) and one of 60 for operator
    1, an activated code to verify, and API tokens."""
    w.gimark("init")
    w.gimark("demo")
    p = w.json("product", "add", "--name-zh", "田阳香芒（大批）", "--region", "451003",
               "--reg-number", "CNIPA Announcement No. 475")
    a = w.json("auth", "grant", "--operator", "93451003MA815908XM", "--product", p["id"],
               "--quota", 2 * BIG)
    w.gimark("auth", "approve", a["id"], "--doc", "CNIPA Announcement No. 475")
    b = w.json("batch", "request", "--auth", a["id"], "--count", BIG, "--lot", "BIG-1")
    w.gimark("batch", "approve", b["id"], "--actor", g.REVIEWER)
    w.gimark("batch", "issue", b["id"])
    small, _ = w.batch(1, 60, activate=False)
    _, codes = w.batch(1, 1)
    tokens = {
        "coop": add_user(w, "coop", "operator", operator="93451003MA815908XM"),
        "coop2": add_user(w, "coop2", "operator", operator="93451003MA815908XM"),
        "reg": add_user(w, "reg", "regulator", scope="45"),
    }
    return b["id"], small, codes[0], tokens


def headers(token):
    return {"Authorization": "Bearer " + token}


def req(s, method, path, **kw):
    """s.request(), with a timeout or a dropped connection as status None (the
    old code drew a whole file before its first byte)."""
    try:
        return s.request(method, path, **kw)
    except OSError as e:
        return None, {}, str(e).encode()


def labels_path(batch, fmt, extra=""):
    return "/api/v1/batches/%d/labels?format=%s%s" % (batch, fmt, extra)


class Download:
    """A download on a raw socket, read (or not) at the test's pace."""

    def __init__(self, server, path, token):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n\r\n"
                           % (path, token)).encode())
        self.got = b""
        self.stop = False
        self.thread = None

    def read_until(self, nbytes, deadline_s=30):
        """Reads until nbytes have come (headers included); False on a timeout
        or a close first."""
        end = time.monotonic() + deadline_s
        while len(self.got) < nbytes and time.monotonic() < end:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            if not chunk:
                return False
            self.got += chunk
        return len(self.got) >= nbytes

    def status(self):
        m = re.match(rb"HTTP/1\.[01] (\d+)", self.got)
        return int(m.group(1)) if m else None

    def drain(self):
        """Keeps reading in a thread until stop() (the render keeps going)."""
        def run():
            while not self.stop:
                try:
                    if not self.sock.recv(65536):
                        return
                except OSError:
                    return
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def abandon(self):
        self.stop = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        if self.thread:
            self.thread.join(5)


def until(cond, deadline_s):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def rss_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def tmp_files(tmp):
    return sorted(os.listdir(tmp))


def start(w, tmp, *extra):
    s = g.Server(w, "--base-url", "https://gi.example.cn", *extra)
    argv, env = s.command()
    env["TMPDIR"] = tmp
    s.command = lambda: (argv, env)
    return s.start()


def test_default_limits(t, w, tmp, big, small, tokens):
    s = start(w, tmp)
    try:
        for fmt in ("svg", "pdf", "csv", "zip", "png"):
            status, h, body = req(s, "GET", labels_path(big, fmt), headers=headers(tokens["coop"]))
            t.check(status == 413 and b"gimark batch export" in body,
                    "1M labels as %s under the default limit: 413 naming gimark batch export" % fmt,
                    (status, body[:200]))
        # a ZIP of PNG labels: labels x pixels a label, not only one image
        status, _, body = req(s, "GET", labels_path(small, "zip", "&dpi=1200&label-size=130x130"),
                                    headers=headers(tokens["coop"]))
        t.check(status == 413 and b"gimark batch export" in body,
                "a ZIP of 60 PNGs of 38 M pixels each (2.3 G in all): 413", (status, body[:200]))
        # PNG sheets: 60 labels on 3 sheets come as one ZIP
        status, h, body = req(s, "GET", labels_path(small, "png"), headers=headers(tokens["coop"]))
        t.check(status == 200 and body[:2] == b"PK" and h.get("content-type") == "application/zip"
                and "batch-%d.zip" % small in h.get("content-disposition", ""),
                "a PNG of 3 sheets is one ZIP", (status, h.get("content-type"), body[:8]))
        status, h, body = req(s, "GET", labels_path(small, "zip"), headers=headers(tokens["coop"]))
        t.check(status == 200 and body[:2] == b"PK", "ZIP of PNG labels downloads", status)
        status, h, body = req(s, "GET", labels_path(small, "svg"), headers=headers(tokens["coop"]))
        names = []
        if status == 200 and body[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                names = z.namelist()
                first = z.read(names[0]) if names else b""
        t.check(h.get("content-type") == "application/zip"
                and names == ["sheet-1.svg", "sheet-2.svg", "sheet-3.svg"]
                and b'height="297.000mm"' in first and first.rstrip().endswith(b"</svg>"),
                "an SVG of 3 sheets is a ZIP of 3 A4 SVG sheets", (status, names, body[:8]))
        # within the default pdf-part-labels (2,500): one PDF
        status, h, body = req(s, "GET", labels_path(small, "pdf"), headers=headers(tokens["coop"]))
        t.check(status == 200 and body[:5] == b"%PDF-" and h.get("content-type") == "application/pdf"
                and "batch-%d.pdf" % small in h.get("content-disposition", ""),
                "a 60-label PDF is one PDF", (status, h.get("content-type"), body[:8]))
        # killed downloads: the client goes away in the middle
        for fmt in ("png", "zip", "pdf"):
            d = Download(s, labels_path(small, fmt), tokens["coop"])
            d.read_until(100)
            d.abandon()
        t.check(until(lambda: not tmp_files(tmp), 5), "no file left in TMPDIR after PNG, ZIP and "
                "killed downloads", tmp_files(tmp))
    finally:
        rc = s.stop()
    t.check(rc == 0, "server with default limits: clean exit", rc)
    rows = w.sql("select detail from audit_log where action = 'batch.export' and actor like "
                 "'%coop%'").splitlines()
    t.check(rows and all('"format"' in r and '"labels"' in r and "/" not in r for r in rows),
            "audit rows of downloads: format and label count, no path", rows[:3])


def test_renders(t, w, tmp, big, small, code, tokens):
    s = start(w, tmp, "--max-download-labels", 2 * BIG, "--threads", 2, "--render-threads", 2)
    try:
        # HEAD renders nothing: headers alone, at once
        t0 = time.monotonic()
        status, h, body = req(s, "HEAD", labels_path(big, "pdf"), headers=headers(tokens["coop"]))
        head_s = time.monotonic() - t0
        t.check(status == 200 and body == b"" and h.get("content-type") == "application/zip"
                and "batch-%d.zip" % big in h.get("content-disposition", "") and head_s < 10,
                "HEAD of a 1M-label PDF: headers alone (a ZIP of PDF parts), no render",
                (status, h.get("content-type"), head_s))

        # two 1M-label downloads render (read as they come) while consumers verify; SVG,
        # which streams label by label (a PDF is sent once its finishing pass is done)
        downloads = [Download(s, labels_path(big, "svg"), tokens[k]) for k in ("coop", "reg")]
        started = [d.read_until(65536, 30) for d in downloads]
        t.check(all(started) and all(d.status() == 200 for d in downloads),
                "two 1M-label SVG downloads start streaming", [d.got[:40] for d in downloads])
        for d in downloads:
            d.drain()
        # one job per account: a second download of coop's waits its turn
        status, h, body = req(s, "GET", labels_path(big, "csv"), headers=headers(tokens["coop"]))
        t.check(status == 429 and h.get("retry-after"), "a second job of one account: 429 with "
                "Retry-After", (status, body[:200]))
        status, h, _ = req(s, "HEAD", labels_path(big, "pdf"), headers=headers(tokens["coop"]))
        t.check(status == 200, "HEAD is no job: 200 while the account's job runs", status)
        samples = []
        c = s.conn(timeout=5)
        for _ in range(15):
            t0 = time.monotonic()
            st, _, _ = req(s, "GET", "/v/" + code, conn=c)
            samples.append((time.monotonic() - t0) * 1000)
            t.check(st == 200, "verification answers during the renders", st)
        c.close()
        samples.sort()
        median, p90 = statistics.median(samples), samples[int(len(samples) * 0.9) - 1]
        print("verification during two renders: median %.1f ms, p90 %.1f ms, max %.1f ms"
              % (median, p90, samples[-1]))
        t.check(median < 50, "verification within 50 ms (median) while two renders run",
                samples)
        for d in downloads:
            d.abandon()
        # the jobs stop when their clients go away: coop may start another
        def coop_free():
            st, _, _ = req(s, "HEAD", "/healthz")
            d = Download(s, labels_path(small, "csv"), tokens["coop"])
            ok = d.read_until(12, 10) and d.status() == 200
            d.abandon()
            return ok
        t.check(until(coop_free, 10), "abandoned downloads stop their jobs")

        d = Download(s, labels_path(small, "zip", "&dpi=600"), tokens["coop2"])
        t.check(d.read_until(65536, 30) and d.status() == 200, "a render is under way", d.got[:40])
        # SIGTERM during a render: exits within 5 s
        t0 = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        try:
            rc = s.proc.wait(timeout=10)
        except Exception:
            rc = None
        took = time.monotonic() - t0
        print("SIGTERM during a render: exited in %.2f s" % took)
        t.check(rc == 0 and took < 5, "SIGTERM during a render: clean exit within 5 s",
                (rc, took))
        d.abandon()
    finally:
        s.stop()
    t.check(not tmp_files(tmp), "no file left in TMPDIR after the renders", tmp_files(tmp))


def test_svg_memory(t, w, tmp, big, tokens):
    """A fresh server, so that its high-water mark is this download's."""
    s = start(w, tmp, "--max-download-labels", 2 * BIG)
    try:
        # SVG of 1M labels: streamed with the server's memory bounded
        pid = s.proc.pid
        d = Download(s, labels_path(big, "svg"), tokens["coop2"])
        t.check(d.read_until(65536, 30) and d.status() == 200, "1M-label SVG starts streaming",
                d.got[:40])
        peak = rss_kb(pid, "VmRSS")
        end = time.monotonic() + 6
        while time.monotonic() < end and d.read_until(len(d.got) + 262144, 5):
            peak = max(peak, rss_kb(pid, "VmRSS"))
            d.got = d.got[-16:]
        hwm = rss_kb(pid, "VmHWM")
        print("1M-label SVG download: peak VmRSS %d MB, VmHWM %d MB" % (peak // 1024, hwm // 1024))
        t.check(hwm < 200 * 1024, "VmHWM under 200 MB during a 1M-label SVG", hwm)
        d.abandon()
    finally:
        rc = s.stop()
    t.check(rc == 0, "server after the SVG download: clean exit", rc)


def test_pdf_parts(t, w, tmp, big, small, tokens):
    """A PDF of more labels than pdf-part-labels is a ZIP of PDF parts, each
    sent as soon as it is finished."""
    s = start(w, tmp, "--pdf-part-labels", 25, "--max-download-labels", 2 * BIG)
    try:
        # 60 labels, parts of 25 labels: whole sheets of 24, so 24 + 24 + 12
        path = labels_path(small, "pdf")
        status, h, _ = req(s, "HEAD", path, headers=headers(tokens["coop"]))
        t.check(status == 200 and h.get("content-type") == "application/zip"
                and "batch-%d.zip" % small in h.get("content-disposition", ""),
                "HEAD of a PDF in parts says ZIP", (status, h.get("content-type")))
        status, h, body = req(s, "GET", path, headers=headers(tokens["coop"]))
        names, parts = [], []
        if status == 200 and body[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                names = z.namelist()
                parts = [z.read(n) for n in names]
        t.check(h.get("content-type") == "application/zip"
                and "batch-%d.zip" % small in h.get("content-disposition", "")
                and names == ["labels-00001-00024.pdf", "labels-00025-00048.pdf",
                              "labels-00049-00060.pdf"],
                "a 60-label PDF with parts of 25 labels: a ZIP of 3 PDFs named by their labels",
                (status, h.get("content-type"), names))
        t.check(len(parts) == 3 and all(p.startswith(b"%PDF-") and p.rstrip().endswith(b"%%EOF")
                                        for p in parts),
                "every part is a whole PDF", [p[:8] for p in parts])
        infos = []
        for i, p in enumerate(parts):  # poppler reads each: one page, with its trim box
            f = os.path.join(w.dir, "part-%d.pdf" % i)
            with open(f, "wb") as out:
                out.write(p)
            r = subprocess.run(["pdfinfo", "-box", f], capture_output=True, text=True)
            infos.append((r.returncode, re.search(r"^Pages:\s+(\d+)", r.stdout, re.M),
                          "TrimBox:" in r.stdout))
        t.check(len(infos) == 3 and all(rc == 0 and m and m.group(1) == "1" and trim
                                        for rc, m, trim in infos),
                "each part is a finished PDF of its one sheet (pdfinfo)", infos)
        # the desk: its download form says so, with the server's setting; its PDF is the ZIP
        coop = Browser(s)
        coop.sign_in("coop")
        _, _, html, _ = coop.get("/coop/?lang=en")
        t.check("A PDF of many labels comes as one ZIP of PDF parts (whole sheets each), labels "
                "a part at most: 25" in html, "the desk's download form says big PDFs come in parts",
                html[-300:])
        _, _, html, _ = coop.get("/coop/?lang=zh")
        t.check("打包为一个 ZIP 下载，每份最多标签数： 25" in html,
                "... in Chinese too", html[-300:])
        status, h, body, _ = coop.get("/coop/batches/%d/labels?format=pdf" % small)
        t.check(status == 200 and h.get("Content-Type") == "application/zip"
                and "batch-%d.zip" % small in h.get("Content-Disposition", ""),
                "the desk's PDF download of 60 labels is the ZIP of parts",
                (status, h.get("Content-Type")))
        # a 1M-label PDF: its first part leaves long before the file could be drawn whole
        # (minutes); the client goes away, the job stops, no file is left
        t0 = time.monotonic()
        d = Download(s, labels_path(big, "pdf"), tokens["reg"])
        got = d.read_until(65536, 60)
        took = time.monotonic() - t0
        body = d.got.split(b"\r\n\r\n", 1)[-1]  # chunked: the first chunk's size, then it
        print("1M-label PDF in parts of 24 labels: first 64 KB in %.2f s" % took)
        t.check(got and d.status() == 200 and b"PK\x03\x04" in body[:32]
                and b"labels-0000001-0000024.pdf" in body[:200],
                "a 1M-label PDF streams its first part at once", (took, d.got[:80]))
        d.abandon()
        t.check(until(lambda: not tmp_files(tmp), 10), "no file left in TMPDIR after the parts",
                tmp_files(tmp))
    finally:
        rc = s.stop()
    t.check(rc == 0, "server with PDF parts: clean exit", rc)


def test_queue(t, w, tmp, big, tokens):
    """One render thread and a queue of one: a third download is 503."""
    s = start(w, tmp, "--render-threads", 1, "--render-queue", 1,
              "--max-download-labels", 2 * BIG)
    try:
        # a file that cannot be drawn whole while the test runs: the client reads only its
        # start, so the render waits on it (a small batch's file now fits in the buffers)
        slow = labels_path(big, "svg")
        running = Download(s, slow, tokens["coop"])
        t.check(running.read_until(65536, 30) and running.status() == 200,
                "the only render thread is busy", running.got[:40])
        queued = Download(s, slow, tokens["reg"])
        t.check(queued.read_until(12, 10) and queued.status() == 200,
                "a second account's download waits in the queue", queued.got[:40])
        status, h, body = req(s, "GET", slow, headers=headers(tokens["coop2"]))
        t.check(status == 503 and h.get("retry-after"), "queue full: 503 with Retry-After",
                (status, body[:200]))
        running.abandon()
        queued.abandon()
    finally:
        rc = s.stop()
    t.check(rc == 0, "server with one render thread: clean exit", rc)


def main():
    t = g.Tally("test_downloads")
    w = g.Workdir()
    try:
        big, small, code, tokens = seed(w)
        tmp = os.path.join(w.dir, "tmp")
        os.mkdir(tmp)
        test_default_limits(t, w, tmp, big, small, tokens)
        test_renders(t, w, tmp, big, small, code, tokens)
        test_svg_memory(t, w, tmp, big, tokens)
        test_pdf_parts(t, w, tmp, big, small, tokens)
        test_queue(t, w, tmp, big, tokens)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
