"""test_demo.py - the demo data `make run` loads (`gimark demo --history
--activity`): it loads quickly, and the desk's charts and lists it was made for
show something. The twelve operators who took up the mark one a month over the
last year make the line to the target rise month by month; the operator
accounts are there, one disabled; consumers' scans fill every one of the last
30 days, genuine and unknown codes; labels were issued in twelve months. Each
figure is read from the server (API and desk) and compared with the database.
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gimark_test as g  # noqa: E402
from test_pages import Browser  # noqa: E402

LOAD_SECONDS = 30  # make run loads the demo on its first start: a bound, not a target


def main():
    t = g.Tally("test_demo")
    w = g.Workdir()
    try:
        w.gimark("init")
        start = time.monotonic()
        out = w.gimark("demo", "--history", "--activity")
        took = time.monotonic() - start
        t.check(took < LOAD_SECONDS, "demo --history --activity loads in under %d s" %
                LOAD_SECONDS, "%.1f s" % took)
        t.check("16 operators" in out and "3 operator accounts" in out, "the summary says what "
                "was loaded", out)
        # the history's data is as before: the same operators hold ids 1-4
        t.check(w.sql("select uscc from operator where id = 1") == "93451003MA815908XM",
                "the first demo operator keeps its id")
        accounts = w.sql("select username || ':' || disabled from account where role = "
                         "'operator' order by username").split()
        t.check(sorted(accounts) == sorted(["demo-orange:0", "demo-orange-2024:1", "demo-tea:0"]),
                "three operator accounts, one disabled", accounts)
        audited = int(w.sql("select count(*) from audit_log where action = 'account.add'"))
        t.check(audited == 3, "each account's creation is audited", audited)

        token = g.add_user(w, "prov", "regulator", scope="45")
        with g.Server(w) as s:
            status, _, body = s.get("/api/v1/figures?days=30",
                                    headers={"Authorization": "Bearer " + token})
            f = json.loads(body) if status == 200 else {}
            days = f.get("scans_per_day", [])
            keys = {d["key"] for d in days}
            want = {time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 - k * 86400))
                    for k in range(1, 29)}  # China Standard Time, the edges of the window aside
            t.check(status == 200 and want <= keys, "scans on every one of the last 30 days",
                    sorted(want - keys))
            counts = [d["count"] for d in days]
            t.check(sum(counts[-7:]) > sum(counts[:7]), "more scans in the last week than the "
                    "first", counts)
            stored = int(w.scans_sql("select count(*) from scan"))
            t.check(sum(counts) == stored, "the figures count every stored scan",
                    (sum(counts), stored))
            verdicts = {v["key"]: v["count"] for v in f.get("verdicts", [])}
            t.check(verdicts.get("GENUINE", 0) > 0 and verdicts.get("UNKNOWN", 0) > 0 and
                    set(verdicts) <= {"GENUINE", "UNKNOWN"},
                    "scans of genuine labels and of codes that name none", verdicts)
            months = f.get("labels_per_month", [])
            t.check(len(months) >= 12, "labels issued in twelve months of the last year", months)

            b = Browser(s)
            b.sign_in("prov")
            status, _, html, _ = b.get("/admin/charts?lang=en")
            points = [int(n) for n in re.findall(r"<circle [^>]*><title>[^<:]*: (\d+) ", html)]
            t.check(status == 200 and len(points) == 12, "the target line has twelve months",
                    (status, points))
            rises = sum(1 for a, c in zip(points, points[1:]) if c > a)
            t.check(rises >= 10 and points == sorted(points), "the line rises month by month",
                    points)
            using = int(w.sql("select count(distinct a.operator_id) from authorisation a "
                              "join batch b on b.auth_id = a.id "
                              "where b.status in ('issued', 'activated')"))
            t.check(points and points[-1] == using and using >= 14,
                    "the line ends at the operators with labels", (points[-1:], using))
            status, _, html, _ = b.get("/admin/operators/2?lang=en")
            t.check(status == 200 and "demo-tea" in html, "the tea company's account is listed",
                    status)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
