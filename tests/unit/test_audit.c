/*
 * test_audit.c - the hash chain: intact, edited, deleted, reordered.
 */
#include "gi/audit.h"
#include "gi/registry.h"
#include "test.h"
#include "testdb.h"

/* A database with n audit rows (n products). */
static void setup(testdb_t *t, int n)
{
    testdb_open(t);
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "产品%d", i);
        gi_product_input_t in = {name, "", "", "", "450100", "", "", ""};
        CHECK(gi_product_add(&t->ctx, &in, NULL, NULL) == GI_OK);
    }
}

/* Runs SQL on the database behind the gimark connection, as a person with the
 * sqlite3 shell or psql would: the triggers that refuse edits are put out of the way
 * first (dropped on SQLite, disabled by the tables' owner on PostgreSQL). */
static void tamper(testdb_t *t, const char *sql)
{
    CHECK(testdb_exec(t, testdb_is_pg(t) ? "ALTER TABLE audit_log DISABLE TRIGGER USER"
                                         : "DROP TRIGGER IF EXISTS audit_log_no_update;"
                                           "DROP TRIGGER IF EXISTS audit_log_no_delete;") == 0);
    CHECK(testdb_exec(t, sql) == 0);
}

static gi_audit_report_t verify(testdb_t *t)
{
    gi_audit_report_t rep;
    CHECK(gi_audit_verify(t->db, &rep, NULL) == GI_OK);
    return rep;
}

static void test_intact_chain(void)
{
    testdb_t t;
    setup(&t, 5);
    gi_audit_report_t rep = verify(&t);
    CHECK(rep.ok);
    CHECK(rep.rows == 5);
    CHECK(rep.bad_id == 0);
    testdb_close(&t);
}

static void test_empty_chain(void)
{
    testdb_t t;
    setup(&t, 0);
    gi_audit_report_t rep = verify(&t);
    CHECK(rep.ok);
    CHECK(rep.rows == 0);
    testdb_close(&t);
}

static void test_edited_row_is_named(void)
{
    testdb_t t;
    setup(&t, 5);
    tamper(&t, "UPDATE audit_log SET detail = replace(detail, '450100', '450200') WHERE id = 3");
    gi_audit_report_t rep = verify(&t);
    CHECK(!rep.ok);
    CHECK(rep.bad_id == 3);
    CHECK(strstr(rep.problem, "changed") != NULL);
    testdb_close(&t);
}

static void test_edited_actor_and_time(void)
{
    testdb_t t;
    setup(&t, 4);
    tamper(&t, "UPDATE audit_log SET actor = 'someone-else' WHERE id = 2");
    CHECK(verify(&t).bad_id == 2);
    testdb_close(&t);
    setup(&t, 4);
    tamper(&t, "UPDATE audit_log SET at = at + 1 WHERE id = 4");
    CHECK(verify(&t).bad_id == 4);
    testdb_close(&t);
}

static void test_deleted_row_is_named(void)
{
    testdb_t t;
    setup(&t, 5);
    tamper(&t, "DELETE FROM audit_log WHERE id = 2");
    gi_audit_report_t rep = verify(&t);
    CHECK(!rep.ok);
    CHECK(rep.bad_id == 3);
    CHECK(strstr(rep.problem, "missing") != NULL);
    testdb_close(&t);
}

static void test_deleted_newest_rows_are_seen(void)
{
    testdb_t t;
    setup(&t, 5);
    if (testdb_is_pg(&t)) /* the triggers refuse; tamper() goes round them */
        CHECK(testdb_refused(&t, "DELETE FROM audit_log WHERE id >= 4"));
    tamper(&t, "DELETE FROM audit_log WHERE id >= 4");
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log") == 3);
    gi_audit_report_t rep = verify(&t);
    CHECK(!rep.ok);
    CHECK(rep.bad_id == 4);
    CHECK(strstr(rep.problem, "deleted") != NULL);
    testdb_close(&t);
}

static void test_swapped_rows_are_seen(void)
{
    testdb_t t;
    setup(&t, 4);
    tamper(&t, "UPDATE audit_log SET id = 100 WHERE id = 2;"
               "UPDATE audit_log SET id = 2 WHERE id = 3;"
               "UPDATE audit_log SET id = 3 WHERE id = 100;");
    gi_audit_report_t rep = verify(&t);
    CHECK(!rep.ok);
    CHECK(rep.bad_id == 2);
    testdb_close(&t);
}

static void test_triggers_refuse_edits(void)
{
    testdb_t t;
    setup(&t, 2);
    CHECK(testdb_refused(&t, "UPDATE audit_log SET actor = 'x'"));
    CHECK(strstr(t.err, "append-only") != NULL);
    CHECK(testdb_refused(&t, "DELETE FROM audit_log"));
    CHECK(strstr(t.err, "append-only") != NULL);
    if (testdb_is_pg(&t)) { /* a statement SQLite does not have */
        CHECK(testdb_refused(&t, "TRUNCATE audit_log"));
        CHECK(strstr(t.err, "append-only") != NULL);
    }
    CHECK(testdb_int(&t, "SELECT count(*) FROM audit_log WHERE actor = 'x'") == 0);
    CHECK(verify(&t).ok);
    testdb_close(&t);
}

static void test_refused_change_writes_no_row(void)
{
    testdb_t t;
    setup(&t, 1);
    gi_product_input_t bad = {"", "", "", "", "450100", "", "", ""};
    CHECK(gi_product_add(&t.ctx, &bad, NULL, NULL) == GI_EINVAL);
    gi_audit_report_t rep = verify(&t);
    CHECK(rep.ok);
    CHECK(rep.rows == 1);
    testdb_close(&t);
}

static void test_hash_depends_on_every_field(void)
{
    unsigned char prev[DB_HASH_LEN] = {0}, h1[DB_HASH_LEN], h2[DB_HASH_LEN];
    db_audit_row_t r = {1, 100, "a", "b", "c", 7, "{}", {0}, {0}};
    gi_audit_hash(&r, prev, h1);
    db_audit_row_t s = r;
    s.actor = "ab";
    s.action = "";
    gi_audit_hash(&s, prev, h2); /* same concatenation, different fields */
    CHECK(memcmp(h1, h2, DB_HASH_LEN) != 0);
    s = r;
    s.entity_id = 8;
    gi_audit_hash(&s, prev, h2);
    CHECK(memcmp(h1, h2, DB_HASH_LEN) != 0);
    prev[0] = 1;
    gi_audit_hash(&r, prev, h2);
    CHECK(memcmp(h1, h2, DB_HASH_LEN) != 0);
}

static void test_sequence_set_back_is_seen(void)
{
    testdb_t t;
    setup(&t, 5);
    tamper(&t, testdb_is_pg(&t) ? "UPDATE audit_seq SET highest = 3"
                                : "UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit_log'");
    gi_audit_report_t rep = verify(&t);
    CHECK(!rep.ok && rep.bad_id == 5 && rep.sequence == 3);
    CHECK(strstr(rep.problem, "set back") != NULL);
    testdb_close(&t);
}

static void test_anchor(void)
{
    testdb_t t;
    setup(&t, 4);
    gi_audit_report_t rep = verify(&t);
    CHECK(rep.ok && rep.head_id == 4 && rep.head_at > 0 && rep.sequence == 4);
    unsigned char anchor[DB_HASH_LEN];
    memcpy(anchor, rep.head, DB_HASH_LEN);

    /* honest changes after the anchor keep it in the chain */
    gi_product_input_t in = {"后来的产品", "", "", "", "450100", "", "", NULL};
    CHECK(gi_product_add(&t.ctx, &in, NULL, NULL) == GI_OK);
    CHECK(gi_audit_verify_anchor(t.db, anchor, &rep, NULL) == GI_OK);
    CHECK(rep.ok && rep.anchor_given && rep.anchor_id == 4 && rep.head_id == 5);

    /* the newest rows cut and the sequence set back to match: intact without the
     * anchor (the limit of a chain without a key), caught against it */
    tamper(&t, "DELETE FROM audit_log WHERE id >= 4");
    tamper(&t, testdb_is_pg(&t) ? "UPDATE audit_seq SET highest = 3"
                                : "UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit_log'");
    rep = verify(&t);
    CHECK(rep.ok && rep.head_id == 3);
    CHECK(gi_audit_verify_anchor(t.db, anchor, &rep, NULL) == GI_OK);
    CHECK(!rep.ok && rep.bad_id == 0 && rep.anchor_id == 0);
    CHECK(strstr(rep.problem, "rewritten") != NULL);

    /* the empty log's zero hash is every chain's start */
    unsigned char zero[DB_HASH_LEN] = {0};
    CHECK(gi_audit_verify_anchor(t.db, zero, &rep, NULL) == GI_OK && rep.ok);
    testdb_close(&t);
}

TEST_MAIN("audit", TEST(test_intact_chain), TEST(test_empty_chain), TEST(test_edited_row_is_named),
          TEST(test_edited_actor_and_time), TEST(test_deleted_row_is_named),
          TEST(test_deleted_newest_rows_are_seen), TEST(test_swapped_rows_are_seen),
          TEST(test_triggers_refuse_edits), TEST(test_refused_change_writes_no_row),
          TEST(test_hash_depends_on_every_field), TEST(test_sequence_set_back_is_seen),
          TEST(test_anchor))
