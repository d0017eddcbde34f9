/*
 * test_batch.c - batch rules, issuance, quotas, voiding and verdicts.
 */
#include "gi/audit.h"
#include "gi/batch.h"
#include "gi/export.h"
#include "gi/registry.h"
#include "gi/scan.h"
#include "gi/verify.h"
#include "test.h"
#include "testdb.h"

#include <stdlib.h>

/* A database with an approved authorisation (quota 1000 a year). */
static int64_t setup(testdb_t *t)
{
    db_product_t p;
    db_operator_t o;
    db_auth_t a;
    testdb_open(t);
    gi_product_input_t prod = {"田阳香芒", "", "", "", "451003", "", "", ""};
    gi_operator_input_t op = {"93451003MA815908XM", "合作社", "cooperative", "451003", "", ""};
    CHECK(gi_product_add(&t->ctx, &prod, &p, NULL) == GI_OK);
    CHECK(gi_operator_add(&t->ctx, &op, &o, NULL) == GI_OK);
    gi_auth_input_t in = {o.id, p.id, "2026-01-01", "2028-12-31", 1000, "No. 475", ""};
    CHECK(gi_auth_grant(&t->ctx, &in, &a, NULL) == GI_OK);
    CHECK(gi_auth_transition(&t->ctx, a.id, GI_AUTH_APPROVE, "", "", NULL, NULL) == GI_OK);
    return a.id;
}

static int64_t request(testdb_t *t, int64_t auth, int64_t count, gi_error_t *e)
{
    gi_batch_request_t in = {auth, count, "LOT-1", "2026-05-20", "田阳基地", "JC-2026-01"};
    db_batch_t b = {0};
    gi_err_t rc = gi_batch_request(&t->ctx, &in, &b, e);
    return rc == GI_OK ? b.id : -(int64_t)rc;
}

/* The decision on batch id by a second account (the requester, "test",
 * may not approve its own request). */
static gi_err_t decide(testdb_t *t, int64_t id, int approve, const char *note, gi_error_t *e)
{
    gi_ctx_t reviewer = t->ctx;
    reviewer.actor = "user:reviewer";
    return gi_batch_decide(&reviewer, id, approve, note, NULL, e);
}

/* Requests, approves and issues a batch of count labels. */
static int64_t issued(testdb_t *t, int64_t auth, int64_t count)
{
    int64_t id = request(t, auth, count, NULL);
    CHECK(id > 0);
    CHECK(decide(t, id, 1, "", NULL) == GI_OK);
    CHECK(gi_batch_issue(&t->ctx, id, NULL, NULL, NULL) == GI_OK);
    return id;
}

typedef struct {
    gi_code_t *codes;
    size_t n, cap;
} code_list_t;

static int collect(const char *code, int64_t seq, int voided, void *arg)
{
    (void)seq;
    (void)voided;
    code_list_t *l = arg;
    if (l->n < l->cap)
        snprintf(l->codes[l->n++].s, sizeof l->codes[0].s, "%s", code);
    return 0;
}

/* The first cap codes of a batch, in sequence order; how many were read. */
static size_t codes_of(testdb_t *t, int64_t batch, gi_code_t *codes, size_t cap)
{
    code_list_t l = {codes, 0, cap};
    CHECK(db_label_each(t->db, batch, collect, &l) == DB_OK);
    return l.n;
}

static int64_t count_labels(testdb_t *t)
{
    return testdb_int(t, "SELECT count(*) FROM label");
}

static void test_issue_creates_every_code(void)
{
    testdb_t t;
    int64_t auth = setup(&t);
    int64_t id = issued(&t, auth, 500);
    db_batch_t b;
    CHECK(gi_batch_get(&t.ctx, id, &b, NULL) == GI_OK);
    CHECK_STR(b.status, "issued");
    CHECK(count_labels(&t) == 500);
    gi_code_t codes[500];
    size_t n = codes_of(&t, id, codes, 500);
    CHECK(n == 500);
    for (size_t i = 0; i < n; i++) {
        gi_code_t parsed;
        CHECK(gi_code_parse(codes[i].s, strlen(codes[i].s), &parsed) == GI_CODE_VALID);
    }
    db_auth_t a;
    CHECK(gi_auth_get(&t.ctx, auth, &a, NULL) == GI_OK);
    CHECK(a.last_used_at == TESTDB_NOW);
    testdb_close(&t);
}

/* A code source that first hands out codes already taken, then fresh ones. */
typedef struct {
    const gi_code_t *taken;
    size_t ntaken, given;
} colliding_t;

static gi_err_t colliding_source(gi_code_t *out, size_t n, void *arg, gi_error_t *err)
{
    colliding_t *c = arg;
    size_t i = 0;
    for (; i < n && c->given < c->ntaken; i++)
        out[i] = c->taken[c->given++];
    return i < n ? gi_code_generate(out + i, n - i, err) : GI_OK;
}

static void test_collisions_are_redrawn(void)
{
    testdb_t t;
    int64_t auth = setup(&t);
    int64_t first = issued(&t, auth, 20);
    gi_code_t taken[20];
    codes_of(&t, first, taken, 20);
    int64_t id = request(&t, auth, 30, NULL);
    CHECK(decide(&t, id, 1, "", NULL) == GI_OK);
    colliding_t src = {taken, 20, 0};
    gi_issue_opts_t opts = {NULL, NULL, colliding_source, &src};
    CHECK(gi_batch_issue(&t.ctx, id, &opts, NULL, NULL) == GI_OK);
    CHECK(src.given == 20);
    CHECK(count_labels(&t) == 50);
    /* the first batch still owns its codes */
    gi_verification_t v;
    CHECK(gi_verify(&t.ctx, taken[0].s, GI_CODE_LEN, 1, 0, &v, NULL) == GI_OK);
    CHECK(v.found && v.view.batch.id == first);
    testdb_close(&t);
}

static gi_err_t stuck_source(gi_code_t *out, size_t n, void *arg, gi_error_t *err)
{
    (void)err;
    const gi_code_t *taken = arg;
    for (size_t i = 0; i < n; i++)
        out[i] = *taken;
    return GI_OK;
}

static void test_failed_issue_leaves_nothing(void)
{
    testdb_t t;
    int64_t auth = setup(&t);
    int64_t first = issued(&t, auth, 5);
    gi_code_t taken[5];
    codes_of(&t, first, taken, 5);
    int64_t id = request(&t, auth, 50, NULL);
    CHECK(decide(&t, id, 1, "", NULL) == GI_OK);
    gi_issue_opts_t opts = {NULL, NULL, stuck_source, &taken[0]};
    gi_error_t e;
    CHECK(gi_batch_issue(&t.ctx, id, &opts, NULL, &e) == GI_EIO);
    CHECK(count_labels(&t) == 5);
    db_batch_t b;
    CHECK(gi_batch_get(&t.ctx, id, &b, NULL) == GI_OK);
    CHECK_STR(b.status, "approved");
    /* and it can be issued properly afterwards */
    CHECK(gi_batch_issue(&t.ctx, id, NULL, &b, NULL) == GI_OK);
    CHECK(count_labels(&t) == 55);
    testdb_close(&t);
}

static void test_count_limits(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t auth = setup(&t);
    CHECK(request(&t, auth, 0, &e) == -GI_EINVAL);
    CHECK(request(&t, auth, -5, &e) == -GI_EINVAL);
    CHECK(request(&t, auth, 10000001, &e) == -GI_EINVAL);
    CHECK(strstr(e.msg, "10000000") != NULL);
    testdb_close(&t);
}

static void test_quota(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t auth = setup(&t);
    CHECK(request(&t, auth, 1001, &e) == -GI_EREFUSED);
    CHECK(strstr(e.msg, "quota") != NULL);
    int64_t a = request(&t, auth, 600, NULL);
    CHECK(a > 0);
    CHECK(request(&t, auth, 401, &e) == -GI_EREFUSED); /* 600 requested counts */
    int64_t b = request(&t, auth, 400, NULL);
    CHECK(b > 0);
    CHECK(decide(&t, b, 0, "lot data incomplete", NULL) == GI_OK);
    int64_t c = request(&t, auth, 400, NULL); /* the rejected one no longer counts */
    CHECK(c > 0);
    /* next year the quota starts afresh */
    t.ctx.now += 365 * 86400LL;
    CHECK(request(&t, auth, 1000, NULL) > 0);
    testdb_close(&t);
}

static void test_quota_at_issue(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t auth = setup(&t);
    int64_t a = request(&t, auth, 700, NULL);
    CHECK(decide(&t, a, 1, "", NULL) == GI_OK);
    /* requested last year, issued this year against this year's issuance */
    t.ctx.now += 365 * 86400LL;
    int64_t b = issued(&t, auth, 500);
    CHECK(b > 0);
    CHECK(gi_batch_issue(&t.ctx, a, NULL, NULL, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "quota") != NULL);
    testdb_close(&t);
}

static void test_auth_state_gates_batches(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t auth = setup(&t);
    int64_t id = request(&t, auth, 10, NULL);
    CHECK(decide(&t, id, 1, "", NULL) == GI_OK);
    CHECK(gi_auth_transition(&t.ctx, auth, GI_AUTH_SUSPEND, "inspection", "", NULL, NULL) == GI_OK);
    CHECK(request(&t, auth, 10, &e) == -GI_EREFUSED);
    CHECK(strstr(e.msg, "suspended") != NULL);
    CHECK(gi_batch_issue(&t.ctx, id, NULL, NULL, &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "suspended") != NULL);
    CHECK(count_labels(&t) == 0);
    CHECK(gi_auth_transition(&t.ctx, auth, GI_AUTH_REINSTATE, "ok", "", NULL, NULL) == GI_OK);
    CHECK(gi_batch_issue(&t.ctx, id, NULL, NULL, NULL) == GI_OK);
    /* expired */
    t.ctx.now += 3 * 365 * 86400LL;
    CHECK(request(&t, auth, 10, &e) == -GI_EREFUSED);
    CHECK(strstr(e.msg, "expired") != NULL);
    testdb_close(&t);
}

static void test_note_checks(void)
{
    gi_error_t e;
    char long_note[400];
    memset(long_note, 'x', 301);
    long_note[301] = '\0';
    CHECK(gi_batch_note_check(1, "", NULL) == GI_OK);
    CHECK(gi_batch_note_check(0, "", &e) == GI_EINVAL);
    CHECK_STR(e.msg, "rejecting needs a reason");
    /* a note given but refused says why, not that it is missing */
    CHECK(gi_batch_note_check(0, long_note, &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "too long") != NULL);
    CHECK(gi_batch_note_check(1, "bad\x01note", &e) == GI_EINVAL);
    CHECK(strstr(e.msg, "control character") != NULL);
    CHECK(gi_batch_reason_check("", &e) == GI_EINVAL);
    CHECK(gi_batch_reason_check("flood damage", NULL) == GI_OK);
}

static void test_batch_state_machine(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t auth = setup(&t);
    int64_t id = request(&t, auth, 10, NULL);
    CHECK(gi_batch_issue(&t.ctx, id, NULL, NULL, &e) == GI_EREFUSED); /* not approved */
    CHECK(gi_batch_activate(&t.ctx, id, NULL, &e) == GI_EREFUSED);
    CHECK(decide(&t, id, 0, "", &e) == GI_EINVAL); /* reject needs a note */
    CHECK(decide(&t, id, 1, "", NULL) == GI_OK);
    CHECK(decide(&t, id, 1, "", &e) == GI_EREFUSED);
    CHECK(gi_batch_void(&t.ctx, id, "x", NULL, &e) == GI_EREFUSED); /* nothing issued yet */
    CHECK(gi_batch_issue(&t.ctx, id, NULL, NULL, NULL) == GI_OK);
    CHECK(gi_batch_issue(&t.ctx, id, NULL, NULL, &e) == GI_EREFUSED);
    CHECK(count_labels(&t) == 10);
    CHECK(gi_batch_activate(&t.ctx, id, NULL, NULL) == GI_OK);
    CHECK(gi_batch_activate(&t.ctx, id, NULL, &e) == GI_EREFUSED);
    CHECK(gi_batch_void(&t.ctx, id, "", NULL, &e) == GI_EINVAL);
    CHECK(gi_batch_void(&t.ctx, id, "flood damage", NULL, NULL) == GI_OK);
    CHECK(gi_batch_void(&t.ctx, id, "again", NULL, &e) == GI_EREFUSED);
    gi_audit_report_t rep;
    CHECK(gi_audit_verify(t.db, &rep, NULL) == GI_OK);
    CHECK(rep.ok);
    testdb_close(&t);
}

/* Nobody approves a batch they requested; a second actor may, and
 * rejecting (withdrawing) one's own request is allowed. */
static void test_no_self_approval(void)
{
    testdb_t t;
    gi_error_t e;
    db_batch_t b;
    int64_t auth = setup(&t);
    int64_t id = request(&t, auth, 10, NULL);
    CHECK(gi_batch_decide(&t.ctx, id, 1, "fine", NULL, &e) == GI_EFORBIDDEN);
    CHECK(strstr(e.msg, "requested by test") != NULL);
    CHECK(gi_batch_get(&t.ctx, id, &b, NULL) == GI_OK);
    CHECK_STR(b.status, "requested");
    CHECK(decide(&t, id, 1, "", NULL) == GI_OK);
    CHECK(gi_batch_get(&t.ctx, id, &b, NULL) == GI_OK);
    CHECK_STR(b.requested_by, "test");
    CHECK_STR(b.decided_by, "user:reviewer");
    int64_t other = request(&t, auth, 10, NULL);
    CHECK(gi_batch_decide(&t.ctx, other, 0, "asked twice", NULL, &e) == GI_OK);
    testdb_close(&t);
}

/* The GTIN of a label's batch is the product's at issuance, whatever the
 * product's becomes; a database from before version 7 takes the product's
 * GTIN of today for the batches it issued. */
static void test_batch_keeps_its_gtin(void)
{
    testdb_t t;
    db_batch_t b;
    char err[256];
    int64_t auth = setup(&t); /* product 1 has no GTIN */
    int64_t plain = issued(&t, auth, 1);
    gi_product_input_t p = {"田阳香芒", "", "", "", "451003", "", "6901234567892", "GS1 number"};
    CHECK(gi_product_edit(&t.ctx, 1, &p, NULL, NULL) == GI_OK);
    int64_t first = issued(&t, auth, 1);
    int64_t waiting = request(&t, auth, 1, NULL);
    p.gtin = "6901234567885";
    CHECK(gi_product_edit(&t.ctx, 1, &p, NULL, NULL) == GI_OK);
    int64_t second = issued(&t, auth, 1);
    CHECK(gi_batch_get(&t.ctx, plain, &b, NULL) == GI_OK);
    CHECK_STR(b.gtin, "");
    CHECK(gi_batch_get(&t.ctx, first, &b, NULL) == GI_OK);
    CHECK_STR(b.gtin, "06901234567892");
    CHECK(gi_batch_get(&t.ctx, second, &b, NULL) == GI_OK);
    CHECK_STR(b.gtin, "06901234567885");
    gi_code_t c;
    codes_of(&t, first, &c, 1);
    db_label_view_t v;
    CHECK(db_label_find(t.db, c.s, &v) == DB_OK);
    CHECK_STR(v.batch.gtin, "06901234567892");
    CHECK_STR(v.product.gtin, "06901234567885");

    /* the same database as version 6 left it: no batch GTIN yet */
    if (testdb_is_pg(&t)) {
        TESTDB_SKIP("the upgrade of a SQLite database of version 6 (no batch GTIN); the "
                    "PostgreSQL schema has had batch.gtin from its first version");
        testdb_close(&t);
        return;
    }
    db_close(t.db);
    /* what version 6 did not have: 0007's batch GTIN and the tables of 0008 on */
    CHECK(testdb_exec(&t, TESTDB_DROP_AFTER_0007
                      "ALTER TABLE batch DROP COLUMN gtin; PRAGMA user_version = 6;") == 0);
    t.db = t.ctx.db = db_open(t.path, err, sizeof err);
    CHECK(t.db != NULL);
    if (!t.db)
        return;
    CHECK(db_schema_version(t.db) == db_schema_latest(t.db));
    CHECK(gi_batch_get(&t.ctx, first, &b, NULL) == GI_OK);
    CHECK_STR(b.gtin, "06901234567885"); /* the product's of today */
    CHECK(gi_batch_get(&t.ctx, plain, &b, NULL) == GI_OK);
    CHECK_STR(b.gtin, "06901234567885");
    CHECK(gi_batch_get(&t.ctx, waiting, &b, NULL) == GI_OK);
    CHECK_STR(b.gtin, ""); /* not issued: set when it is */
    testdb_close(&t);
}

static gi_verdict_t verdict(testdb_t *t, const char *code, int64_t scans)
{
    gi_verification_t v;
    CHECK(gi_verify(&t->ctx, code, strlen(code), scans, 5, &v, NULL) == GI_OK);
    return v.verdict;
}

static void test_verdicts(void)
{
    testdb_t t;
    int64_t auth = setup(&t);
    int64_t id = issued(&t, auth, 3);
    gi_code_t c[3];
    codes_of(&t, id, c, 3);
    CHECK(verdict(&t, c[0].s, 1) == GI_VERDICT_NOT_ACTIVATED);
    CHECK(gi_batch_activate(&t.ctx, id, NULL, NULL) == GI_OK);
    CHECK(verdict(&t, c[0].s, 1) == GI_VERDICT_GENUINE);
    CHECK(verdict(&t, c[0].s, 5) == GI_VERDICT_GENUINE);
    CHECK(verdict(&t, c[0].s, 6) == GI_VERDICT_GENUINE_REPEATED);

    char display[GI_CODE_DISPLAY_LEN + 1];
    gi_code_format(&c[1], display);
    for (char *p = display; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    CHECK(verdict(&t, display, 1) == GI_VERDICT_GENUINE); /* lower case with hyphens */

    gi_code_t typo = c[0];
    typo.s[3] = typo.s[3] == '7' ? '8' : '7';
    CHECK(verdict(&t, typo.s, 1) == GI_VERDICT_MALFORMED);
    CHECK(verdict(&t, "hello", 1) == GI_VERDICT_MALFORMED);
    CHECK(verdict(&t, "' OR 1=1 --", 1) == GI_VERDICT_MALFORMED);
    gi_code_t fresh;
    CHECK(gi_code_generate(&fresh, 1, NULL) == GI_OK);
    CHECK(verdict(&t, fresh.s, 1) == GI_VERDICT_UNKNOWN);

    const char *codes[] = {c[2].s};
    CHECK(gi_batch_void_codes(&t.ctx, id, codes, 1, "misprint", NULL) == GI_OK);
    CHECK(verdict(&t, c[2].s, 1) == GI_VERDICT_VOID);
    CHECK(verdict(&t, c[1].s, 1) == GI_VERDICT_GENUINE);

    CHECK(gi_auth_transition(&t.ctx, auth, GI_AUTH_SUSPEND, "x", "", NULL, NULL) == GI_OK);
    CHECK(verdict(&t, c[0].s, 1) == GI_VERDICT_AUTH_SUSPENDED);
    CHECK(verdict(&t, c[2].s, 1) == GI_VERDICT_VOID); /* void wins */
    CHECK(gi_auth_transition(&t.ctx, auth, GI_AUTH_REINSTATE, "x", "", NULL, NULL) == GI_OK);
    t.ctx.now += 3 * 365 * 86400LL;
    CHECK(verdict(&t, c[0].s, 1) == GI_VERDICT_AUTH_EXPIRED);
    CHECK(gi_auth_transition(&t.ctx, auth, GI_AUTH_REVOKE, "misuse", "", NULL, NULL) == GI_OK);
    CHECK(verdict(&t, c[0].s, 1) == GI_VERDICT_AUTH_REVOKED);
    testdb_close(&t);
}

/* A worker's batch views (db_hold_snapshots) follow the register: a change
 * shows on the next lookup, made by the worker itself (SQLite's data_version
 * does not count those) or by another connection (once the worker's snapshot
 * is renewed, as the server does every 50 ms). */
static void test_verdicts_with_views(void)
{
    testdb_t t;
    char err[256];
    int64_t auth = setup(&t);
    int64_t id = issued(&t, auth, 1);
    gi_code_t c;
    codes_of(&t, id, &c, 1);
    CHECK(gi_batch_activate(&t.ctx, id, NULL, NULL) == GI_OK);
    db_hold_snapshots(t.db, 600000);
    CHECK(verdict(&t, c.s, 1) == GI_VERDICT_GENUINE);
    CHECK(gi_auth_transition(&t.ctx, auth, GI_AUTH_SUSPEND, "x", "", NULL, NULL) == GI_OK);
    CHECK(verdict(&t, c.s, 1) == GI_VERDICT_AUTH_SUSPENDED);
    db_t *other = db_open(t.path, err, sizeof err);
    CHECK(other != NULL);
    gi_ctx_t elsewhere = t.ctx;
    elsewhere.db = other;
    CHECK(gi_auth_transition(&elsewhere, auth, GI_AUTH_REINSTATE, "x", "", NULL, NULL) == GI_OK);
    db_hold_snapshots(t.db, 600000); /* a new snapshot at the next lookup */
    CHECK(verdict(&t, c.s, 1) == GI_VERDICT_GENUINE);
    db_close(other);
    testdb_close(&t);
}

static gi_verification_t scanned(testdb_t *t, gi_scan_queue_t *q, const char *code,
                                 const char *client, int64_t at)
{
    gi_verification_t v;
    gi_scan_input_t in = {code, strlen(code), NULL, 0, NULL, 0, client, "other", 3, 0};
    t->ctx.now = at;
    CHECK(gi_verify_scan(&t->ctx, q, &in, &v, NULL) == GI_OK);
    return v;
}

/* A code's first scan in a server's life reads its stored tally with its
 * label (in one statement where the connection keeps views, in two where it
 * does not): the count, the first time and the clients go on from there. */
static void test_first_scan_reads_stored_tally(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t auth = setup(&t);
    int64_t id = issued(&t, auth, 2);
    gi_code_t c[2];
    codes_of(&t, id, c, 2);
    CHECK(gi_batch_activate(&t.ctx, id, NULL, NULL) == GI_OK);
    const char *k[] = {"c0de000000000000", "c0de000000000001", "c0de000000000002",
                       "c0de000000000003"};
    gi_scan_config_t cfg = {.clients_kept = 11};
    int64_t at = TESTDB_NOW;
    for (int views = 0; views < 2; views++) {
        gi_scan_queue_t *q = gi_scan_queue_start(t.path, &cfg, &e);
        CHECK(q != NULL);
        for (int i = 0; i < 4; i++) /* the first client scans twice */
            CHECK(scanned(&t, q, c[views].s, k[i % 3], at + i).scans == i + 1);
        gi_scan_queue_stop(q); /* stored, merged, and out of memory */
        q = gi_scan_queue_start(t.path, &cfg, &e);
        CHECK(q != NULL);
        if (views)
            db_hold_snapshots(t.db, 600000);
        gi_verification_t v = scanned(&t, q, c[views].s, k[3], at + 10);
        CHECK(v.scans == 5 && v.first_scan_at == at && v.clients == 4);
        CHECK(v.verdict == GI_VERDICT_GENUINE_REPEATED); /* 4 clients, threshold 3 */
        v = scanned(&t, q, c[views].s, k[0], at + 11);
        CHECK(v.scans == 6 && v.clients == 4);
        gi_scan_queue_stop(q);
        db_hold_snapshots(t.db, 0);
    }
    testdb_close(&t);
}

static void test_void_codes_all_or_nothing(void)
{
    testdb_t t;
    gi_error_t e;
    int64_t auth = setup(&t);
    int64_t a = issued(&t, auth, 4);
    int64_t b = issued(&t, auth, 2);
    gi_code_t ca[4], cb[2];
    codes_of(&t, a, ca, 4);
    codes_of(&t, b, cb, 2);
    const char *mixed[] = {ca[0].s, cb[0].s};
    CHECK(gi_batch_void_codes(&t.ctx, a, mixed, 2, "misprint", &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "not in batch") != NULL);
    CHECK(verdict(&t, ca[0].s, 1) == GI_VERDICT_NOT_ACTIVATED); /* first one not voided */
    const char *twice[] = {ca[1].s, ca[1].s};
    CHECK(gi_batch_void_codes(&t.ctx, a, twice, 2, "misprint", &e) == GI_EREFUSED);
    CHECK(strstr(e.msg, "already") != NULL);
    const char *bad[] = {"not-a-code"};
    CHECK(gi_batch_void_codes(&t.ctx, a, bad, 1, "misprint", &e) == GI_EINVAL);
    db_batch_t got;
    CHECK(gi_batch_get(&t.ctx, a, &got, NULL) == GI_OK);
    CHECK(got.labels_voided == 0);
    testdb_close(&t);
}

static void test_label_urls(void)
{
    gi_code_t c;
    char url[GI_URL_MAX];
    snprintf(c.s, sizeof c.s, "K7M39QX2HD4TPW8R");
    CHECK(gi_label_url("https://gi.example.cn/", "", NULL, &c, url, NULL) == GI_OK);
    CHECK_STR(url, "HTTPS://GI.EXAMPLE.CN/V/K7M39QX2HD4TPW8R");
    CHECK(gi_label_url("https://gi.example.cn", "04006381333931", NULL, &c, url, NULL) == GI_OK);
    CHECK_STR(url, "https://GI.EXAMPLE.CN/01/04006381333931/21/K7M39QX2HD4TPW8R");
    /* the path keeps its case: a server may tell /gi from /GI */
    CHECK(gi_label_url("http://Gi.Example.cn:8080/gi", "", NULL, &c, url, NULL) == GI_OK);
    CHECK_STR(url, "HTTP://GI.EXAMPLE.CN:8080/gi/V/K7M39QX2HD4TPW8R");
    CHECK(gi_label_url("https://gi.example.cn/Labels", "04006381333931", NULL, &c, url, NULL) ==
          GI_OK);
    CHECK_STR(url, "https://GI.EXAMPLE.CN/Labels/01/04006381333931/21/K7M39QX2HD4TPW8R");
    CHECK(gi_label_url("ftp://x", "", NULL, &c, url, NULL) == GI_EINVAL);
    CHECK(gi_label_url("https://", "", NULL, &c, url, NULL) == GI_EINVAL);
    CHECK(gi_label_url("https://a b", "", NULL, &c, url, NULL) == GI_EINVAL);
    CHECK(gi_label_url("https://x\"><script>", "", NULL, &c, url, NULL) == GI_EINVAL);
    /* the lot (dl-lot): as recorded, percent-encoded, between the GTIN and the code */
    CHECK(gi_label_url("https://gi.example.cn", "04006381333931", "2026-a/1 b", &c, url, NULL) ==
          GI_OK);
    CHECK_STR(url, "https://GI.EXAMPLE.CN/01/04006381333931/10/2026-a%2F1%20b/21/K7M39QX2HD4TPW8R");
    CHECK(gi_label_url("https://gi.example.cn", "04006381333931", "", &c, url, NULL) == GI_OK);
    CHECK_STR(url, "https://GI.EXAMPLE.CN/01/04006381333931/21/K7M39QX2HD4TPW8R");
    CHECK(gi_label_url("https://gi.example.cn", "", "LOT1", &c, url, NULL) == GI_OK);
    CHECK_STR(url, "HTTPS://GI.EXAMPLE.CN/V/K7M39QX2HD4TPW8R"); /* no place for a lot */
    char long_lot[200];
    memset(long_lot, '%', sizeof long_lot - 1);
    long_lot[sizeof long_lot - 1] = '\0';
    CHECK(gi_label_url("https://gi.example.cn", "04006381333931", long_lot, &c, url, NULL) ==
          GI_EINVAL);
}

/* A print file's base URL: public, never this machine or a private network. */
static void test_print_base_url(void)
{
    static const char *const refused[] = {
        "",
        "http://127.0.0.1:8080",
        "https://localhost",
        "http://app.localhost",
        "http://10.1.2.3",
        "http://172.20.0.5/gi",
        "https://192.168.1.10",
        "http://169.254.0.1",
        "http://100.64.1.1",
        "https://printer.local",
        "https://gimark",
        "http://0.0.0.0",
        "https://gi.corp.internal",
    };
    gi_error_t e;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        CHECK(gi_print_base_url_check(refused[i], &e) == GI_EREFUSED);
        CHECK(strstr(e.msg, "--base-url") != NULL && strstr(e.msg, "base-url setting") != NULL);
    }
    CHECK(gi_print_base_url_check(NULL, &e) == GI_EREFUSED);
    CHECK(gi_print_base_url_check("ftp://gi.example.cn", &e) == GI_EINVAL);
    CHECK(gi_print_base_url_check("https://gi.example.cn", NULL) == GI_OK);
    CHECK(gi_print_base_url_check("https://172.32.0.1:8443/gi", NULL) == GI_OK);
    CHECK(gi_print_base_url_check("https://203.0.113.7", NULL) == GI_OK);
}

TEST_MAIN("batch", TEST(test_print_base_url), TEST(test_issue_creates_every_code),
          TEST(test_collisions_are_redrawn), TEST(test_failed_issue_leaves_nothing),
          TEST(test_count_limits), TEST(test_quota), TEST(test_quota_at_issue),
          TEST(test_auth_state_gates_batches), TEST(test_note_checks),
          TEST(test_batch_state_machine), TEST(test_verdicts), TEST(test_verdicts_with_views),
          TEST(test_first_scan_reads_stored_tally), TEST(test_void_codes_all_or_nothing),
          TEST(test_label_urls), TEST(test_no_self_approval), TEST(test_batch_keeps_its_gtin))
