/*
 * demo.c - the demonstration data set.
 *
 * Product names and region codes are public facts (GI products of Guangxi).
 * Their protection regime and registration numbers are left empty rather than
 * invented; so that their labels print, the office records for each the
 * audited decision to print it without a number (gi/rules.h), its reason
 * saying the reference data holds none. The operators are fictitious: their
 * names say "演示" (demo) and their USCCs are valid in form but belong to no
 * registered entity. Each is seated inside the protected area of the products
 * it is authorised for (the tea company in Hengzhou, 450127, where Hengxian
 * jasmine tea comes from). With history, the annual report has the provincial
 * office's texts of the last year (marked 演示) and the year before is closed.
 * With activity (what `make run` loads), twelve more operators took up the
 * mark one a month over the last year, three operator accounts exist, and
 * consumers scanned labels over the last 30 days.
 */
#include "gi/demo.h"
#include "gi/account.h"
#include "gi/annual.h"
#include "gi/batch.h"
#include "gi/households.h"
#include "gi/inspect.h"
#include "gi/registry.h"
#include "gi/rules.h"
#include "gi/scan.h"
#include "gi/usage.h"
#include "gi/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why the demo's products are printed without a number: shared/data lists
 * none, and none is invented. */
#define DEMO_UNNUMBERED "演示数据：参考数据未载公告号、注册号和标准，不予编造"

static const gi_product_input_t demo_products[] = {
    {"百色芒果", "Baise Mango", "", "", "451000", "", "", ""},
    {"田阳香芒", "Tianyang Fragrant Mango", "", "", "451003", "", "", ""},
    {"横县茉莉花茶", "Hengxian Jasmine Tea", "", "", "450127", "", "", ""},
    {"六堡茶", "Liubao Tea", "", "", "450400", "", "", ""},
    {"荔浦芋", "Lipu Taro", "", "", "450331", "", "", ""},
    {"富川脐橙", "Fuchuan Navel Orange", "", "", "451123", "", "", ""},
    {"永福罗汉果", "Yongfu Luo Han Guo (Monk Fruit)", "", "", "450326", "", "", ""},
    {"容县沙田柚", "Rongxian Shatian Pomelo", "", "", "450921", "", "", ""},
    {"恭城月柿", "Gongcheng Persimmon", "", "", "450332", "", "", ""},
    {"灵山荔枝", "Lingshan Lychee", "", "", "450721", "", "", ""},
    {"融安金桔", "Rong'an Kumquat", "", "", "450224", "", "", ""},
    {"合浦南珠", "Hepu South Sea Pearl", "", "", "450521", "", "", ""},
    {"巴马香猪", "Bama Xiang Pig", "", "", "451227", "", "", ""},
    {"东兰墨米", "Donglan Black Rice", "", "", "451224", "", "", ""},
    {"钦州大蚝", "Qinzhou Oyster", "", "", "450700", "", "", ""},
};

static const gi_operator_input_t demo_operators[] = {
    {"93451003MA815908XM", "田阳区香芒种植专业合作社（演示）", "cooperative", "451003",
     "0776-0000001", ""},
    {"91450100MA8609132C", "南宁茉莉花茶业有限公司（演示）", "company", "450127", "0771-0000002",
     ""},
    {"93451123MA0308247J", "富川脐橙产销专业合作社（演示）", "cooperative", "451123",
     "0774-0000003", ""},
    {"92450331MA2199355T", "荔浦芋头种植户（演示）", "individual", "450331", "0773-0000004", ""},
};

/* operator index, product index, final state */
static const struct {
    int op, product;
    const char *state;
} demo_auths[] = {
    {0, 1, "approved"}, {0, 0, "approved"},  {1, 2, "approved"},
    {2, 5, "pending"},  {3, 4, "suspended"},
};

/* Member households and production bases: towns and villages of the
 * operators' counties; the people are fictitious ("演示"). Quotas follow
 * from area x yield / per-label: the mango boxes hold 2.5 kg, the orange
 * boxes 5 kg, a tin of jasmine tea 0.25 kg (of flowers, the yield unit). */
static const struct {
    int op, product;
    gi_producer_input_t in;
} demo_producers[] = {
    {0,
     1,
     {"household", 0, 0, "黄某（演示）", "", "451003", "百育镇四那村", "", "", "8.5", "1500", "kg",
      "2.5"}},
    {0,
     1,
     {"household", 0, 0, "农某（演示）", "", "451003", "田州镇兴城村", "", "", "12", "1400", "kg",
      "2.5"}},
    {0,
     1,
     {"household", 0, 0, "梁某（演示）", "", "451003", "那满镇新立村", "", "", "6.25", "1600", "kg",
      "2.5"}},
    {0,
     1,
     {"base", 0, 0, "田阳百育芒果种植基地（演示）", "", "451003", "百育镇", "planting",
      "GAP 演示-2026-01", "320", "1500", "kg", "2.5"}},
    {1,
     2,
     {"base", 0, 0, "校椅茉莉花种植基地（演示）", "", "450127", "校椅镇石井村", "planting", "",
      "500", "800", "kg", "0.25"}},
    {1,
     2,
     {"base", 0, 0, "横州茉莉花茶加工基地（演示）", "", "450127", "横州镇", "processing",
      "SC 演示-2026-02", "40", "6000", "kg", "0.25"}},
    {2,
     5,
     {"household", 0, 0, "蒋某（演示）", "", "451123", "朝东镇秀水村", "", "", "15", "2500", "kg",
      "5"}},
    {2,
     5,
     {"household", 0, 0, "毛某（演示）", "", "451123", "古城镇高桥村", "", "", "9.8", "2400", "kg",
      "5"}},
};

static gi_err_t load_auth(const gi_ctx_t *ctx, int64_t op_id, int64_t product_id, const char *state,
                          const char *since, int64_t *id, gi_error_t *err)
{
    gi_auth_input_t in = {op_id, product_id, since, "", 100000, "", ""};
    db_auth_t a;
    gi_err_t rc = gi_auth_grant(ctx, &in, &a, err);
    *id = a.id;
    if (rc != GI_OK || strcmp(state, "pending") == 0)
        return rc;
    rc = gi_auth_transition(ctx, a.id, GI_AUTH_APPROVE, "demo data", "演示批准文件 DEMO-2026-001",
                            NULL, err);
    if (rc != GI_OK || strcmp(state, "suspended") != 0)
        return rc;
    return gi_auth_transition(ctx, a.id, GI_AUTH_SUSPEND, "demo data: inspection pending", "", NULL,
                              err);
}

/* The registers of random inspections and one round of them: the six checklist items with
 * their legal basis, four inspectors (one with a declared conflict), a draw with a fixed seed
 * and inspections of the operators in force. */
static const struct {
    const char *key, *name, *basis;
} demo_items[] = {
    {"mark_uscc", "专用标志与统一社会信用代码同时标注",
     "《地理标志专用标志使用管理办法（试行）》关于合法使用人标示专用标志的规定"},
    {"scope_use", "在核准的产品和地域范围内使用专用标志",
     "《地理标志专用标志使用管理办法（试行）》；《地理标志产品保护规定》"},
    {"raw_material", "原材料来源于地理标志保护地域范围", "《地理标志产品保护规定》；产品标准"},
    {"standard", "产品符合地理标志产品标准或质量技术要求", "《地理标志产品保护规定》；产品标准"},
    {"label_records", "专用标志印制、领用、使用台账", "《地理标志专用标志使用管理办法（试行）》"},
    {"transfer", "无擅自转让、伪造、冒用专用标志行为",
     "《地理标志专用标志使用管理办法（试行）》；《中华人民共和国商标法》"},
};

static const struct {
    const char *name, *cert, *field, *region;
} demo_inspectors[] = {
    {"黄检查（演示）", "GX-ZF-45-0001", "知识产权", "450100"},
    {"韦检查（演示）", "GX-ZF-45-0002", "知识产权", "450100"},
    {"陆检查（演示）", "GX-ZF-45-0003", "市场监管", "451000"},
    {"莫检查（演示）", "GX-ZF-45-0004", "市场监管", "451000"},
};

#define DEMO_SEED "6769206d61726b2064656d6f20647261772c2066697865642073656564202121"

static gi_err_t load_supervision(const gi_ctx_t *ctx, const int64_t *operator_ids,
                                 const int64_t *product_ids, gi_demo_summary_t *out,
                                 gi_error_t *err)
{
    static const db_account_t office = {.username = "demo", .role = "regulator"};
    gi_grade_config_t cfg;
    gi_draw_plan_t plan = {.inspectors_per_target = 2, .exclude_inspected = 1};
    int64_t insp[4], id = 0;
    json_t *draw = NULL;
    gi_err_t rc = gi_grade_config_parse(GI_GRADE_CLASSES_DEFAULT, 10, &cfg, err);
    for (size_t i = 0; rc == GI_OK && i < sizeof demo_items / sizeof demo_items[0]; i++)
        rc = gi_item_add(ctx, &office, demo_items[i].key, demo_items[i].name, demo_items[i].basis,
                         &id, err);
    for (size_t i = 0; rc == GI_OK && i < 4; i++, out->inspectors++)
        rc = gi_inspector_add(ctx, &office, demo_inspectors[i].name, demo_inspectors[i].cert,
                              demo_inspectors[i].field, demo_inspectors[i].region, &insp[i], err);
    if (rc == GI_OK)
        rc = gi_inspector_conflict(ctx, &office, insp[3], operator_ids[0], "演示：近亲属任职", err);
    if (rc == GI_OK)
        rc = gi_draw_ratios_parse("A:100,B:100,C:100,D:100", &cfg, &plan, err);
    if (rc == GI_OK)
        rc = gi_draw(ctx, &office, &cfg, &plan, DEMO_SEED, 0, &draw, &id, err);
    size_t i;
    json_t *t;
    json_array_foreach(rc == GI_OK ? json_object_get(draw, "result") : NULL, i, t)
    {
        json_t *who = json_object_get(t, "inspectors");
        int64_t pair[2] = {json_integer_value(json_array_get(who, 0)),
                           json_integer_value(json_array_get(who, 1))};
        int64_t op = json_integer_value(json_object_get(t, "operator_id"));
        int first = op == operator_ids[0];
        gi_inspection_input_t in = {
            id,
            op,
            first ? product_ids[1] : product_ids[2],
            "广西壮族自治区知识产权局（演示）",
            "",
            {"pass", "pass", "pass", "pass", first ? "pass" : "fail", "pass"},
            first ? "no_problem" : "rectify",
            "",
            first ? "" : "台账缺失，责令补建",
            pair,
            2};
        char today[GI_DATE_LEN + 1], by[GI_DATE_LEN + 1];
        gi_date_of(ctx->now, today);
        gi_date_of(ctx->now + 30 * 86400, by);
        in.date = today;
        if (!first)
            in.rectify_by = by;
        if (rc == GI_OK && (rc = gi_inspection_add(ctx, &office, &in, NULL, err)) == GI_OK)
            out->inspections++;
    }
    json_decref(draw);
    return rc;
}

/* --- history: two closed years of labels and use reports ------------------------------------ */

/* The history's years are Y-2 and Y-1 of the current year Y; one batch of
 * labels a year for each authorisation that has labels, then one yearly use
 * report each: most accepted, one returned and filed again, one claiming more
 * labels used than were issued, one missing (the tea company, which issued no
 * labels either: it is on both lists of the office). */
static const struct {
    int auth;     /* index in demo_auths */
    int year_ago; /* 2: Y-2, 1: Y-1 */
    int64_t labels, produced, sold, value_fen, received, used, voided;
    const char *decision; /* accepted returned "" (awaiting) */
    const char *filed;    /* month and day of the next year */
    const char *how;
} demo_reports[] = {
    {0, 2, 3000, 42000, 36500, 51100000, 3000, 2860, 40, "accepted", "01-20",
     "每箱（5 kg）外箱粘贴一枚专用标志"},
    {0, 1, 5000, 58000, 52000, 78000000, 5000, 4710, 55, "accepted", "01-20",
     "每箱（5 kg）外箱粘贴一枚专用标志"},
    {1, 2, 2000, 30000, 24000, 26400000, 2000, 1900, 20, "accepted", "01-20",
     "礼盒包装印制专用标志并粘贴追溯码"},
    {1, 1, 2500, 33000, 28000, 33600000, 2500, 2380, 30, "returned", "01-10",
     "礼盒包装印制专用标志并粘贴追溯码"},
    {1, 1, 0, 33000, 28000, 32900000, 2500, 2380, 30, "accepted", "02-20",
     "礼盒包装印制专用标志并粘贴追溯码（更正销售额）"},
    {2, 2, 0, 8000, 6000, 9600000, 0, 0, 0, "accepted", "01-20", "散装茶未使用专用标志"},
    {4, 2, 2000, 120000, 90000, 54000000, 2000, 1950, 10, "accepted", "01-20",
     "每袋（10 kg）缝合吊牌，吊牌印专用标志"},
    {4, 1, 2000, 110000, 80000, 48000000, 4000, 9000, 0, "", "01-20",
     "每袋（10 kg）缝合吊牌，吊牌印专用标志"},
};

/* ctx at a day of a past year (China Standard Time, 10:00), as actor. */
static gi_ctx_t at_day(const gi_ctx_t *ctx, int year, const char *month_day, const char *actor)
{
    char day[32];
    snprintf(day, sizeof day, "%04d-%s", year, month_day);
    gi_ctx_t c = *ctx;
    c.now = gi_day_start(day) + 10 * 3600;
    c.actor = actor;
    return c;
}

/* ctx at time t, as actor. */
static gi_ctx_t at_time(const gi_ctx_t *ctx, int64_t t, const char *actor)
{
    gi_ctx_t c = *ctx;
    c.now = t;
    c.actor = actor;
    return c;
}

/* A batch of labels harvested the day before at, requested at at, approved and issued a
 * step later and activated 18 steps after the request (the history's: 2, 3 and 20 March);
 * *id (may be NULL) gets its id. */
static gi_err_t load_batch(const gi_ctx_t *ctx, int64_t auth_id, int64_t at, int64_t step,
                           int64_t count, int64_t *id, gi_error_t *err)
{
    char lot[32], harvest[GI_DATE_LEN + 1];
    gi_tm_t tm;
    gi_tm_of(at + GI_CST_OFFSET, &tm);
    snprintf(lot, sizeof lot, "DEMO-%04d-%02lld", tm.year % 10000, (long long)auth_id);
    gi_date_of(at - 86400, harvest);
    gi_batch_request_t in = {auth_id, count, lot, harvest, "", ""};
    gi_ctx_t op = at_time(ctx, at, "demo:operator");
    gi_ctx_t reg = at_time(ctx, at + step, "demo:regulator");
    db_batch_t b;
    gi_err_t rc = gi_batch_request(&op, &in, &b, err);
    if (rc == GI_OK)
        rc = gi_batch_decide(&reg, b.id, 1, "demo data", &b, err);
    if (rc == GI_OK)
        rc = gi_batch_issue(&reg, b.id, NULL, &b, err);
    if (rc == GI_OK) {
        gi_ctx_t applied = at_time(ctx, at + 18 * step, "demo:operator");
        rc = gi_batch_activate(&applied, b.id, &b, err);
    }
    if (rc == GI_OK && id)
        *id = b.id;
    return rc;
}

static gi_err_t load_history(const gi_ctx_t *ctx, const int64_t *auth_ids, const int64_t *op_ids,
                             const int64_t *product_ids, int year, gi_error_t *err)
{
    gi_err_t rc = GI_OK;
    for (size_t i = 0; rc == GI_OK && i < sizeof demo_reports / sizeof demo_reports[0]; i++)
        if (demo_reports[i].labels)
            rc = load_batch(ctx, auth_ids[demo_reports[i].auth],
                            at_day(ctx, year - demo_reports[i].year_ago, "03-02", NULL).now, 86400,
                            demo_reports[i].labels, NULL, err);
    for (size_t i = 0; rc == GI_OK && i < sizeof demo_reports / sizeof demo_reports[0]; i++) {
        int y = year - demo_reports[i].year_ago;
        char period[8];
        snprintf(period, sizeof period, "%04d", y % 10000);
        int a = demo_reports[i].auth;
        gi_usage_input_t in = {op_ids[demo_auths[a].op],
                               product_ids[demo_auths[a].product],
                               period,
                               demo_reports[i].produced,
                               demo_reports[i].sold,
                               "kg",
                               demo_reports[i].value_fen,
                               demo_reports[i].received,
                               demo_reports[i].used,
                               demo_reports[i].voided,
                               demo_reports[i].how};
        gi_ctx_t op = at_day(ctx, y + 1, demo_reports[i].filed, "demo:operator");
        gi_ctx_t reg = op;
        reg.now += 15 * 86400; /* decided a fortnight after filing */
        reg.actor = "demo:regulator";
        db_usage_report_t *r = malloc(sizeof *r);
        if (!r)
            return gi_fail(err, GI_ENOMEM, "out of memory");
        rc = gi_usage_file(&op, GI_USAGE_YEARLY, &in, r, err);
        if (rc == GI_OK && demo_reports[i].decision[0])
            rc = gi_usage_decide(&reg, r->id, strcmp(demo_reports[i].decision, "accepted") == 0,
                                 strcmp(demo_reports[i].decision, "returned") == 0
                                     ? "销售额与发票汇总不符，请核对后重新报送"
                                     : "",
                                 r, err);
        free(r);
    }
    return rc;
}

/* Names for the consumer pages in the ASEAN markets (the other products fall back to
 * English); recorded last, so the rows of the rest keep their places. */
static gi_err_t load_names(const gi_ctx_t *ctx, const int64_t *product_ids, gi_error_t *err)
{
    static const struct {
        size_t product;
        const char *vi, *th;
    } asean[] = {{0, "Xoài Bách Sắc", "มะม่วงไป่เซ่อ"},
                 {2, "Trà hoa nhài Hoành Huyện", "ชามะลิเหิงเสี้ยน"},
                 {3, "Trà Lục Bảo", "ชาลิ่วเป่า"}};
    static const db_account_t office = {.username = "demo", .role = "regulator"};
    gi_err_t rc = GI_OK;
    for (size_t i = 0; rc == GI_OK && i < sizeof asean / sizeof asean[0]; i++)
        rc = gi_act_product_names(ctx, &office, product_ids[asean[i].product], asean[i].vi,
                                  asean[i].th, err);
    return rc;
}

/* --- activity: what the desk's charts and account lists show ---------------------------------- */

/* Operators who took up the mark one a month over the last twelve months, so that the
 * chart of progress to the target has a line; each seated in its product's area, with
 * one batch of labels. */
static const struct {
    gi_operator_input_t in;
    int product; /* index in demo_products */
} demo_newcomers[] = {
    {{"93451003MA0003013P", "田阳区那满芒果专业合作社（演示）", "cooperative", "451003",
      "0776-0000011", ""},
     1},
    {{"93450326MA00030210", "永福罗汉果种植专业合作社（演示）", "cooperative", "450326",
      "0773-0000012", ""},
     6},
    {{"93450332MA000303XD", "恭城月柿产销专业合作社（演示）", "cooperative", "450332",
      "0773-0000013", ""},
     8},
    {{"93450921MA0003048E", "容县沙田柚种植专业合作社（演示）", "cooperative", "450921",
      "0775-0000014", ""},
     7},
    {{"93450721MA0003056Y", "灵山荔枝产销专业合作社（演示）", "cooperative", "450721",
      "0777-0000015", ""},
     9},
    {{"93450224MA0003064B", "融安金桔种植专业合作社（演示）", "cooperative", "450224",
      "0772-0000016", ""},
     10},
    {{"91450521MA0003072G", "合浦南珠养殖有限公司（演示）", "company", "450521", "0779-0000017",
      ""},
     11},
    {{"93451227MA0003080Q", "巴马香猪养殖专业合作社（演示）", "cooperative", "451227",
      "0778-0000018", ""},
     12},
    {{"93451224MA0003099A", "东兰墨米种植专业合作社（演示）", "cooperative", "451224",
      "0778-0000019", ""},
     13},
    {{"91450400MA00031019", "梧州六堡茶业有限公司（演示）", "company", "450400", "0774-0000020",
      ""},
     3},
    {{"93450700MA000311XA", "钦州大蚝养殖专业合作社（演示）", "cooperative", "450700",
      "0777-0000021", ""},
     14},
    {{"92451123MA00031285", "富川脐橙种植户（演示）", "individual", "451123", "0774-0000022", ""},
     5},
};

#define NEWCOMERS   (sizeof demo_newcomers / sizeof demo_newcomers[0])
#define SCAN_CODES  20 /* codes of each newcomer's batch that consumers scan */
#define SCAN_DAYS   30
#define SCANS_FIRST 300 /* stored by db_scans_record at most this many at once */

/* Accounts of the demo's first operators (index in demo_operators), one of them disabled;
 * their passwords are random and never shown (a regulator sets new ones). */
static const struct {
    int op;
    const char *username;
    int disabled;
} demo_accounts[] = {
    {1, "demo-tea", 0},
    {2, "demo-orange", 0},
    {2, "demo-orange-2024", 1},
};

static gi_err_t load_newcomers(const gi_ctx_t *ctx, const int64_t *product_ids,
                               int64_t batch_ids[NEWCOMERS], gi_demo_summary_t *out,
                               gi_error_t *err)
{
    gi_tm_t tm;
    gi_tm_of(ctx->now + GI_CST_OFFSET, &tm);
    gi_err_t rc = GI_OK;
    for (size_t i = 0; rc == GI_OK && i < NEWCOMERS; i++) {
        /* one a month over the last twelve, this one included: granted on the 1st, the
         * batch from the 2nd; this month's in the last hours */
        int back = (int)(NEWCOMERS - 1 - i);
        int months = tm.year * 12 + (tm.month - 1) - back;
        int year = months / 12, month = months % 12 + 1;
        char first[8] = {(char)('0' + month / 10), (char)('0' + month % 10), '-', '0', '1', '\0'};
        int64_t granted = back ? at_day(ctx, year, first, NULL).now : ctx->now - 5 * 3600;
        int64_t step = back ? 86400 : 600;
        char since[GI_DATE_LEN + 1];
        gi_date_of(granted, since);
        gi_ctx_t then = at_time(ctx, granted, ctx->actor);
        db_operator_t o;
        int64_t auth_id = 0;
        if ((rc = gi_operator_add(&then, &demo_newcomers[i].in, &o, err)) != GI_OK ||
            (rc = load_auth(&then, o.id, product_ids[demo_newcomers[i].product], "approved", since,
                            &auth_id, err)) != GI_OK)
            break;
        out->operators++;
        out->authorisations++;
        rc = load_batch(ctx, auth_id, granted + 3600 * (back ? 24 : 1), step, 200, &batch_ids[i],
                        err);
    }
    return rc;
}

static gi_err_t load_accounts(const gi_ctx_t *ctx, const int64_t *operator_ids,
                              gi_demo_summary_t *out, gi_error_t *err)
{
    gi_err_t rc = GI_OK;
    for (size_t i = 0; rc == GI_OK && i < sizeof demo_accounts / sizeof demo_accounts[0]; i++) {
        char password[GI_PASSWORD_ONCE_LEN + 1];
        gi_account_password_new(password);
        gi_account_input_t in = {demo_accounts[i].username, "operator",
                                 operator_ids[demo_accounts[i].op], "", password};
        rc = gi_account_add(ctx, &in, NULL, err);
        if (rc == GI_OK && demo_accounts[i].disabled)
            rc = gi_account_set_disabled(ctx, demo_accounts[i].username, 1, err);
        out->accounts += rc == GI_OK;
    }
    return rc;
}

typedef struct {
    char code[SCAN_CODES][GI_CODE_LEN + 1];
    size_t n;
} scan_codes_t;

static int keep_code(const char *code, int64_t seq, int voided, void *arg)
{
    scan_codes_t *c = arg;
    (void)seq;
    if (!voided && c->n < SCAN_CODES)
        snprintf(c->code[c->n++], GI_CODE_LEN + 1, "%s", code);
    return c->n == SCAN_CODES;
}

/* Consumers' scans over the last SCAN_DAYS days, a few more each week: of the first codes
 * of the newcomers' batches (all active: GENUINE), from phones, and a few inputs that name
 * no label (UNKNOWN). Stored after the demo's change, as the scan writer stores them. */
static gi_err_t load_scans(const gi_ctx_t *ctx, const int64_t batch_ids[NEWCOMERS],
                           gi_demo_summary_t *out, gi_error_t *err)
{
    static const char *const phones[] = {"wechat", "alipay", "ios", "android"};
    static const char *const typed[] = {"K7M39QX2HD4TPW8N", "12345678", "AB12-CD34"};
    scan_codes_t *codes = calloc(NEWCOMERS, sizeof *codes);
    db_scan_t *scans = malloc(SCANS_FIRST * sizeof *scans);
    char(*keys)[GI_CLIENT_KEY_LEN + 1] = malloc(SCANS_FIRST * sizeof *keys);
    gi_err_t rc = codes && scans && keys ? GI_OK : gi_fail(err, GI_ENOMEM, "out of memory");
    for (size_t b = 0; rc == GI_OK && b < NEWCOMERS; b++)
        rc = gi_db_fail(ctx->db, db_label_each(ctx->db, batch_ids[b], keep_code, &codes[b]), err);
    size_t n = 0, seen = 0;
    for (int d = SCAN_DAYS - 1; rc == GI_OK && d >= 0; d--) {
        int today = 12 + (SCAN_DAYS - d) / 2 + (d * 7) % 9; /* growing, with a weekly wobble */
        for (int i = 0; rc == GI_OK && i < today; i++, seen++) {
            db_scan_t *s = &scans[n];
            s->at = ctx->now - (int64_t)d * 86400 - 60 - (int64_t)((i * 2671) % 43200);
            snprintf(keys[n], sizeof keys[n], "%016llx", (unsigned long long)(seen * 7919 % 4093));
            s->client_key = keys[n];
            s->ua_class = phones[seen % 4];
            s->skip_client_row = 0;
            if (i % 11 == 10) {
                s->code = NULL;
                s->raw = typed[seen % 3];
                s->verdict = "UNKNOWN";
            } else {
                const scan_codes_t *c = &codes[seen % NEWCOMERS];
                s->code = c->n ? c->code[(seen / NEWCOMERS) % c->n] : NULL;
                s->raw = s->code ? NULL : "";
                s->verdict = s->code ? "GENUINE" : "UNKNOWN";
            }
            if (++n == SCANS_FIRST || (d == 0 && i == today - 1)) {
                int64_t last = 0;
                rc = gi_db_fail(ctx->db, db_scans_record(ctx->db, scans, n, &last), err);
                out->scans += rc == GI_OK ? (int)n : 0;
                n = 0;
            }
        }
    }
    if (rc == GI_OK && !db_scans_merged_on_record(ctx->db))
        rc = gi_db_fail(ctx->db, db_scan_totals_catch_up(ctx->db), err);
    free(codes);
    free(scans);
    free(keys);
    return rc;
}

static gi_err_t load_all(const gi_ctx_t *ctx, int what, int64_t batch_ids[NEWCOMERS],
                         gi_demo_summary_t *out, gi_error_t *err)
{
    int history = (what & GI_DEMO_HISTORY) != 0;
    int64_t auth_ids[sizeof demo_auths / sizeof demo_auths[0]];
    gi_tm_t tm;
    gi_tm_of(ctx->now + GI_CST_OFFSET, &tm);
    char since[GI_DATE_LEN + 8];
    snprintf(since, sizeof since, "%04d-01-01", (tm.year - 2) % 10000);
    /* with history, the authorisations were granted and approved two years ago */
    gi_ctx_t then = history ? at_day(ctx, tm.year - 2, "01-05", ctx->actor) : *ctx;
    int64_t product_ids[sizeof demo_products / sizeof demo_products[0]];
    int64_t operator_ids[sizeof demo_operators / sizeof demo_operators[0]];
    gi_err_t rc;
    static const db_account_t office = {.username = "demo", .role = "regulator"};
    for (size_t i = 0; i < sizeof demo_products / sizeof demo_products[0]; i++) {
        db_product_t p;
        if ((rc = gi_product_add(ctx, &demo_products[i], &p, err)) != GI_OK ||
            (rc = gi_act_product_unnumbered(ctx, &office, p.id, 1, DEMO_UNNUMBERED, NULL, err)) !=
                GI_OK)
            return rc;
        product_ids[i] = p.id;
        out->products++;
    }
    for (size_t i = 0; i < sizeof demo_operators / sizeof demo_operators[0]; i++) {
        db_operator_t o;
        if ((rc = gi_operator_add(ctx, &demo_operators[i], &o, err)) != GI_OK)
            return rc;
        operator_ids[i] = o.id;
        out->operators++;
    }
    for (size_t i = 0; i < sizeof demo_auths / sizeof demo_auths[0]; i++) {
        /* with history, a suspension comes today, after the labels of the past years */
        int later = history && strcmp(demo_auths[i].state, "suspended") == 0;
        rc = load_auth(&then, operator_ids[demo_auths[i].op], product_ids[demo_auths[i].product],
                       later ? "approved" : demo_auths[i].state, history ? since : "", &auth_ids[i],
                       err);
        if (rc != GI_OK)
            return rc;
        out->authorisations++;
    }
    for (size_t i = 0; i < sizeof demo_producers / sizeof demo_producers[0]; i++) {
        gi_producer_input_t in = demo_producers[i].in;
        in.operator_id = operator_ids[demo_producers[i].op];
        in.product_id = product_ids[demo_producers[i].product];
        if ((rc = gi_producer_add(ctx, &in, NULL, err)) != GI_OK)
            return rc;
        out->producers++;
    }
    if ((what & GI_DEMO_ACTIVITY) &&
        ((rc = load_newcomers(ctx, product_ids, batch_ids, out, err)) != GI_OK ||
         (rc = load_accounts(ctx, operator_ids, out, err)) != GI_OK))
        return rc;
    if ((rc = load_supervision(ctx, operator_ids, product_ids, out, err)) != GI_OK || !history)
        return rc == GI_OK ? load_names(ctx, product_ids, err) : rc;
    out->use_reports = (int)(sizeof demo_reports / sizeof demo_reports[0]);
    rc = load_history(ctx, auth_ids, operator_ids, product_ids, tm.year, err);
    for (size_t i = 0; rc == GI_OK && i < sizeof demo_auths / sizeof demo_auths[0]; i++)
        if (strcmp(demo_auths[i].state, "suspended") == 0)
            rc = gi_auth_transition(ctx, auth_ids[i], GI_AUTH_SUSPEND,
                                    "demo data: inspection pending", "", NULL, err);
    /* the annual report: the provincial office's texts (scope 45, Guangxi) of the last
     * year; the year before closed */
    static const char *const texts[][2] = {
        {"enforcement", "（演示）全年开展地理标志专用标志使用检查，责令整改标签使用不规范 1 起。"},
        {"standards", "（演示）修订芒果地方标准 1 项，组织用标主体按标准生产。"},
        {"publicity", "（演示）在农产品展销会设地理标志展区，发放宣传资料。"},
        {"training", "（演示）举办用标主体培训班 2 期。"},
    };
    for (size_t i = 0; rc == GI_OK && i < sizeof texts / sizeof texts[0]; i++)
        rc = gi_annual_text_set(ctx, tm.year - 1, "45", texts[i][0], texts[i][1], err);
    gi_annual_opts_t closing = {tm.year - 2, "", 0, 0, NULL};
    if (rc == GI_OK)
        rc = gi_annual_close(ctx, &closing, NULL, err);
    if (rc == GI_OK)
        rc = load_names(ctx, product_ids, err);
    return rc;
}

gi_err_t gi_demo_load(const gi_ctx_t *ctx, int what, gi_demo_summary_t *out, gi_error_t *err)
{
    int64_t batch_ids[NEWCOMERS] = {0};
    db_stats_t st;
    char today[GI_DATE_LEN + 1];
    gi_date_of(ctx->now, today);
    memset(out, 0, sizeof *out);
    db_err_t drc = db_begin(ctx->db);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    gi_err_t rc = gi_db_fail(ctx->db, db_stats(ctx->db, today, NULL, &st), err);
    if (rc == GI_OK && (st.products > 0 || st.operators > 0))
        rc = gi_fail(err, GI_EREFUSED,
                     "the registry already holds data; the demo loads only "
                     "into an empty database");
    if (rc == GI_OK)
        rc = load_all(ctx, what, batch_ids, out, err);
    if (rc == GI_OK && (drc = db_commit(ctx->db)) != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc != GI_OK) {
        db_rollback(ctx->db);
        return rc;
    }
    return what & GI_DEMO_ACTIVITY ? load_scans(ctx, batch_ids, out, err) : GI_OK;
}
