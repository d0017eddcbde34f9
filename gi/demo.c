/*
 * demo.c - the demonstration data set.
 *
 * Product names and region codes are public facts (GI products of Guangxi).
 * Their protection regime and registration numbers are left empty rather than
 * invented. The operators are fictitious: their names say "演示" (demo) and
 * their USCCs are valid in form but belong to no registered entity. Each is
 * seated inside the protected area of the products it is authorised for
 * (the tea company in Hengzhou, 450127, where Hengxian jasmine tea comes from).
 */
#include "gi/demo.h"
#include "gi/inspect.h"
#include "gi/registry.h"

#include <string.h>

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

static gi_err_t load_auth(const gi_ctx_t *ctx, int64_t op_id, int64_t product_id, const char *state,
                          gi_error_t *err)
{
    gi_auth_input_t in = {op_id, product_id, "", "", 100000, "", ""};
    db_auth_t a;
    gi_err_t rc = gi_auth_grant(ctx, &in, &a, err);
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

static gi_err_t load_all(const gi_ctx_t *ctx, gi_demo_summary_t *out, gi_error_t *err)
{
    int64_t product_ids[sizeof demo_products / sizeof demo_products[0]];
    int64_t operator_ids[sizeof demo_operators / sizeof demo_operators[0]];
    gi_err_t rc;
    for (size_t i = 0; i < sizeof demo_products / sizeof demo_products[0]; i++) {
        db_product_t p;
        if ((rc = gi_product_add(ctx, &demo_products[i], &p, err)) != GI_OK)
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
        rc = load_auth(ctx, operator_ids[demo_auths[i].op], product_ids[demo_auths[i].product],
                       demo_auths[i].state, err);
        if (rc != GI_OK)
            return rc;
        out->authorisations++;
    }
    return load_supervision(ctx, operator_ids, product_ids, out, err);
}

gi_err_t gi_demo_load(const gi_ctx_t *ctx, gi_demo_summary_t *out, gi_error_t *err)
{
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
        rc = load_all(ctx, out, err);
    if (rc == GI_OK && (drc = db_commit(ctx->db)) != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc != GI_OK)
        db_rollback(ctx->db);
    return rc;
}
