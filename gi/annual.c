/*
 * annual.c - the annual supervision report: its sections in order, the
 * closing of a year and the office's texts (see annual.h).
 *
 * The report's layout is the table sections[] below: one builder per
 * section, in the order the national office's form asks for them. A section
 * is added by writing its builder and adding its line there.
 */
#include "gi/annual.h"

#include "gi/audit.h"
#include "gi/grade.h"
#include "gi/inspect.h"
#include "gi/usage.h"
#include "labels/annual_pdf.h"
#include "labels/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gi_annual_text_sections[] = {"enforcement", "standards", "testing",
                                               "publicity",   "training",  NULL};

int gi_annual_text_section(const char *s)
{
    for (int i = 0; s && gi_annual_text_sections[i]; i++)
        if (strcmp(s, gi_annual_text_sections[i]) == 0)
            return 1;
    return 0;
}

/* --- building ------------------------------------------------------------------------------ */

typedef struct {
    char product[DB_TEXT];
    char city[8];
    int64_t operator_id, product_id;
    int prev, end; /* in force at the end of the year before, of the year */
} pair_t;

typedef struct {
    const gi_ctx_t *ctx;
    const gi_annual_opts_t *o;
    int64_t from, to; /* the year's first moment and the next year's */
    pair_t *pairs;
    size_t npairs, cap;
    json_t *texts; /* section -> body */
} build_t;

static json_t *table(json_t *sec, const char *title, const char *const *columns)
{
    json_t *t = json_object(), *cols = json_array();
    for (size_t i = 0; columns[i]; i++)
        json_array_append_new(cols, json_string(columns[i]));
    json_object_set_new(t, "title", json_string(title));
    json_object_set_new(t, "columns", cols);
    json_object_set_new(t, "rows", json_array());
    json_array_append_new(json_object_get(sec, "tables"), t);
    return json_object_get(t, "rows");
}

/* A row of the cells fmt says: 's' text, 'i' an int64_t. */
static void row(json_t *rows, const char *fmt, ...)
{
    va_list ap;
    json_t *r = json_array();
    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        if (*f == 's')
            json_array_append_new(r, json_string(va_arg(ap, const char *)));
        else
            json_array_append_new(r, json_integer(va_arg(ap, int64_t)));
    }
    va_end(ap);
    json_array_append_new(rows, r);
}

static void percent(int64_t num, int64_t den, char out[24])
{
    if (den <= 0) {
        snprintf(out, 24, "-");
        return;
    }
    int64_t bp = num * 10000 / den;
    snprintf(out, 24, "%lld.%02lld%%", (long long)(bp / 100), (long long)(bp % 100));
}

static gi_err_t tally(build_t *b, db_annual_tally_t which, db_annual_fn fn, void *arg,
                      gi_error_t *err)
{
    db_err_t drc =
        db_annual_tally(b->ctx->db, which, b->o->year, b->from, b->to, b->o->region, fn, arg);
    return drc == DB_OK ? GI_OK : gi_db_fail(b->ctx->db, drc, err);
}

static const char *regime_name(const char *r)
{
    static const char *const names[][2] = {
        {"cnipa-product", "地理标志保护产品 GI product (CNIPA)"},
        {"collective-mark", "集体商标 GI collective mark"},
        {"certification-mark", "证明商标 GI certification mark"},
        {"agri-product", "农产品地理标志 agricultural GI"},
        {"", "未登记 regime not recorded"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(r, names[i][0]) == 0)
            return names[i][1];
    return r;
}

/* products */
typedef struct {
    json_t *list, *regimes; /* regime -> count */
} products_t;

static int product_row(const db_annual_row_t *r, void *arg)
{
    products_t *p = arg;
    const char *regime = regime_name(r->k1);
    row(p->list, "sssi", r->k2, regime, r->k3, r->n[1]);
    json_t *n = json_object_get(p->regimes, regime);
    json_object_set_new(p->regimes, regime, json_integer(n ? json_integer_value(n) + 1 : 1));
    return 0;
}

static gi_err_t sec_products(build_t *b, json_t *sec, gi_error_t *err)
{
    json_t *by = table(sec, "按保护方式 By regime",
                       (const char *const[]){"保护方式 Regime", "产品数 Products", NULL});
    products_t p = {
        table(sec, "产品 Products",
              (const char *const[]){"产品 Product", "保护方式 Regime", "登记号 Registration",
                                    "年末用标主体 Users at year end", NULL}),
        json_object()};
    gi_err_t rc = tally(b, DB_ANNUAL_PRODUCTS, product_row, &p, err);
    const char *k;
    json_t *v;
    int64_t total = 0;
    json_object_foreach(p.regimes, k, v)
    {
        row(by, "si", k, (int64_t)json_integer_value(v));
        total += json_integer_value(v);
    }
    row(by, "si", "合计 Total", total);
    json_decref(p.regimes);
    return rc;
}

/* operator and product pairs, shared by the users' sections */
static int pair_row(const db_annual_row_t *r, void *arg)
{
    build_t *b = arg;
    if (b->npairs == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        pair_t *p = realloc(b->pairs, cap * sizeof *p);
        if (!p)
            return 1;
        b->pairs = p;
        b->cap = cap;
    }
    pair_t *p = &b->pairs[b->npairs++];
    snprintf(p->product, sizeof p->product, "%s", r->k1);
    snprintf(p->city, sizeof p->city, "%s", r->k2);
    p->operator_id = r->n[0];
    p->product_id = r->n[1];
    p->prev = r->n[2] != 0;
    p->end = r->n[3] != 0;
    return 0;
}

/* Per operator: whether any of its pairs is in force at either end. */
typedef struct {
    int64_t id;
    char city[8];
    int prev, end;
} op_t;

static size_t operators(const build_t *b, op_t *ops)
{
    size_t n = 0;
    for (size_t i = 0; i < b->npairs; i++) {
        size_t j = 0;
        while (j < n && ops[j].id != b->pairs[i].operator_id)
            j++;
        if (j == n) {
            ops[n] = (op_t){b->pairs[i].operator_id, "", 0, 0};
            snprintf(ops[n].city, sizeof ops[n].city, "%s", b->pairs[i].city);
            n++;
        }
        ops[j].prev |= b->pairs[i].prev;
        ops[j].end |= b->pairs[i].end;
    }
    return n;
}

static gi_err_t sec_users(build_t *b, json_t *sec, gi_error_t *err)
{
    (void)err;
    op_t *ops = calloc(b->npairs + 1, sizeof *ops);
    if (!ops)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    size_t n = operators(b, ops);
    int64_t end = 0, prev = 0;
    for (size_t i = 0; i < n; i++) {
        end += ops[i].end;
        prev += ops[i].prev;
    }
    free(ops);
    int64_t target = b->o->target > 0 ? b->o->target : GI_ANNUAL_TARGET;
    char pct[24];
    percent(end, target, pct);
    json_t *t = table(sec, "累计用标主体 Cumulative users (an authorisation in force at year end)",
                      (const char *const[]){"项目 Item", "数量 Number", NULL});
    row(t, "si", "上年末用标主体 Users at the end of the year before", prev);
    row(t, "si", "本年末用标主体 Users at year end", end);
    row(t, "si", "目标 Target (operators)", target);
    json_t *p =
        table(sec, "目标进度 Progress to the target",
              (const char *const[]){"用标主体 Users", "目标 Target", "进度 Progress", NULL});
    row(p, "iis", end, target, pct);
    return GI_OK;
}

/* new (in force at the year's end, not at the end of the year before) and
 * cancelled (the other way round), by product (pairs) and by city (operators) */
static gi_err_t sec_new_cancelled(build_t *b, json_t *sec, gi_error_t *err)
{
    json_t *bp = table(sec, "按产品 By product",
                       (const char *const[]){"产品 Product", "新增 New", "注销 Cancelled",
                                             "年末 At year end", NULL});
    for (size_t i = 0; i < b->npairs;) {
        size_t j = i;
        int64_t nw = 0, gone = 0, end = 0;
        for (; j < b->npairs && b->pairs[j].product_id == b->pairs[i].product_id; j++) {
            nw += b->pairs[j].end && !b->pairs[j].prev;
            gone += b->pairs[j].prev && !b->pairs[j].end;
            end += b->pairs[j].end;
        }
        row(bp, "siii", b->pairs[i].product, nw, gone, end);
        i = j;
    }
    op_t *ops = calloc(b->npairs + 1, sizeof *ops);
    if (!ops)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    size_t n = operators(b, ops);
    json_t *bc = table(
        sec, "按城市 By city (GB/T 2260)",
        (const char *const[]){"城市 City", "新增 New", "注销 Cancelled", "年末 At year end", NULL});
    int64_t tn = 0, tc = 0, te = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ops[i].city[0])
            continue;
        int64_t nw = 0, gone = 0, end = 0;
        for (size_t j = i; j < n; j++)
            if (strcmp(ops[j].city, ops[i].city) == 0) {
                nw += ops[j].end && !ops[j].prev;
                gone += ops[j].prev && !ops[j].end;
                end += ops[j].end;
                if (j != i)
                    ops[j].city[0] = '\0';
            }
        row(bc, "siii", ops[i].city, nw, gone, end);
        tn += nw;
        tc += gone;
        te += end;
    }
    row(bc, "siii", "合计 Total", tn, tc, te);
    free(ops);
    return GI_OK;
}

/* one number a name, from DB_ANNUAL_COUNTS */
static int count_row(const db_annual_row_t *r, void *arg)
{
    json_object_set_new(arg, r->k1, json_integer(r->n[3]));
    return 0;
}

static int64_t count_of(const build_t *b, const char *name)
{
    return json_integer_value(json_object_get(json_object_get(b->texts, "\x01counts"), name));
}

static int action_row(const db_annual_row_t *r, void *arg)
{
    char day[GI_DATE_LEN + 1];
    gi_date_of(r->n[0], day);
    row(arg, "ssss", day, strcmp(r->k1, "revoked") == 0 ? "撤销 revoked" : "暂停 suspended", r->k3,
        r->k2);
    return 0;
}

static gi_err_t sec_authorisations(build_t *b, json_t *sec, gi_error_t *err)
{
    json_t *t =
        table(sec, "用标许可 Authorisations in the year",
              (const char *const[]){"准予 Granted", "暂停 Suspended", "撤销 Revoked", NULL});
    row(t, "iii", count_of(b, "granted"), count_of(b, "suspended"), count_of(b, "revoked"));
    json_t *l = table(sec, "暂停和撤销及理由 Suspensions and revocations with reasons",
                      (const char *const[]){"日期 Date", "处理 Action",
                                            "主体/产品 Operator / product", "理由 Reason", NULL});
    return tally(b, DB_ANNUAL_ACTIONS, action_row, l, err);
}

typedef struct {
    json_t *rows, *labels, *values;
} chart_t;

static int month_row(const db_annual_row_t *r, void *arg)
{
    chart_t *c = arg;
    row(c->rows, "si", r->k1, r->n[3]);
    json_array_append_new(c->labels, json_string(r->k1));
    json_array_append_new(c->values, json_integer(r->n[3]));
    return 0;
}

static json_t *chart(json_t *sec, const char *title, chart_t *c)
{
    json_t *ch = json_object();
    c->labels = json_array();
    c->values = json_array();
    json_object_set_new(ch, "title", json_string(title));
    json_object_set_new(ch, "labels", c->labels);
    json_object_set_new(ch, "values", c->values);
    json_object_set_new(sec, "chart", ch);
    return ch;
}

static int month_of(const db_annual_row_t *r, void *arg)
{
    int64_t *months = arg;
    int m = atoi(r->k1 + 5); /* YYYY-MM */
    if (strlen(r->k1) == 7 && m >= 1 && m <= 12)
        months[m - 1] += r->n[3];
    return 0;
}

/* labels issued, activated, voided; issued per month, every month of the year */
static gi_err_t sec_labels(build_t *b, json_t *sec, gi_error_t *err)
{
    json_t *t = table(sec, "标签 Labels in the year",
                      (const char *const[]){"发放 Issued", "激活 Activated", "作废 Voided", NULL});
    row(t, "iii", count_of(b, "labels_issued"), count_of(b, "labels_activated"),
        count_of(b, "labels_voided"));
    int64_t months[12] = {0};
    gi_err_t rc = tally(b, DB_ANNUAL_MONTHS, month_of, months, err);
    chart_t c = {table(sec, "每月发放 Labels issued per month",
                       (const char *const[]){"月份 Month", "发放 Issued", NULL}),
                 NULL, NULL};
    chart(sec, "每月发放标签 Labels issued per month", &c);
    for (int m = 0; m < 12; m++) {
        char key[24]; /* room for any int */
        snprintf(key, sizeof key, "%04d-%02d", b->o->year % 10000, m + 1);
        db_annual_row_t r = {key, "", "", {0, 0, 0, months[m]}};
        month_row(&r, &c);
    }
    return rc;
}

static gi_err_t sec_scans(build_t *b, json_t *sec, gi_error_t *err)
{
    json_t *t = table(sec, "扫码查询 Scans in the year", (const char *const[]){"扫码 Scans", NULL});
    row(t, "i", count_of(b, "scans"));
    chart_t c = {table(sec, "查询结果 Verdict mix",
                       (const char *const[]){"结果 Verdict", "次数 Scans", NULL}),
                 NULL, NULL};
    chart(sec, "查询结果分布 Verdict mix", &c);
    return tally(b, DB_ANNUAL_VERDICTS, month_row, &c, err);
}

static int status_row(const db_annual_row_t *r, void *arg)
{
    row(arg, "si", r->k1, r->n[3]);
    return 0;
}

static gi_err_t sec_consumer_reports(build_t *b, json_t *sec, gi_error_t *err)
{
    json_t *t = table(sec, "消费者举报 Consumer reports in the year",
                      (const char *const[]){"收到 Received", NULL});
    row(t, "i", count_of(b, "consumer_reports"));
    json_t *o =
        table(sec, "处理结果 Outcomes", (const char *const[]){"状态 Status", "数量 Reports", NULL});
    return tally(b, DB_ANNUAL_REPORTS, status_row, o, err);
}

/* the output value: gi_usage_output's, never recomputed here */
static gi_err_t sec_output(build_t *b, json_t *sec, gi_error_t *err)
{
    gi_output_t out;
    int per_year = b->o->per_year > 0 ? b->o->per_year : GI_USAGE_YEARLY;
    gi_err_t rc = gi_usage_output(b->ctx, b->o->region, b->o->year, per_year, GI_OUTPUT_BY_PRODUCT,
                                  &out, err);
    if (rc != GI_OK)
        return rc;
    char value[32], per_user[32], prev[32], yoy[24] = "-", cover[24];
    gi_usage_format_yuan(out.value_fen, value);
    gi_usage_format_yuan(out.per_user_fen, per_user);
    gi_usage_format_yuan(out.prev_value_fen, prev);
    if (out.has_yoy)
        gi_output_format_bp(out.yoy_bp, yoy);
    percent(out.received_due, out.expected, cover);
    json_t *t = table(sec, "产值 Output value (yuan, from accepted use reports)",
                      (const char *const[]){"项目 Item", "数值 Value", NULL});
    row(t, "ss", "直接产值 Direct output value (yuan)", value);
    row(t, "ss", "上年 Year before (yuan)", prev);
    row(t, "ss", "同比 Year on year (same pairs)", yoy);
    row(t, "si", "已接受报送 Reports accepted", out.received);
    row(t, "si", "应报送 Reports expected", out.expected);
    row(t, "ss", "报送率 Coverage (accepted due / expected)", cover);
    row(t, "si", "用标主体 Users with accepted reports", out.users);
    row(t, "ss", "户均产值 Value per user (yuan)", per_user);
    json_t *p = table(sec, "按产品 By product",
                      (const char *const[]){"产品 Product", "产值 Value (yuan)", "报送 Reports",
                                            "主体 Operators", NULL});
    for (size_t i = 0; i < out.nrows; i++) {
        gi_usage_format_yuan(out.rows[i].value_fen, value);
        row(p, "ssii", out.rows[i].label, value, out.rows[i].reports, out.rows[i].operators);
    }
    json_object_set_new(sec, "basis", json_string(GI_OUTPUT_BASIS));
    gi_output_free(&out);
    return GI_OK;
}

/* The office of the report's scope, as the graded-supervision rules ask for
 * one: the report's own access was checked before it was built. */
static db_account_t scope_office(const build_t *b)
{
    db_account_t office = {.role = "regulator"};
    snprintf(office.region_scope, sizeof office.region_scope, "%s", b->o->region);
    return office;
}

typedef struct {
    const gi_grade_config_t *cfg;
    int64_t derived[GI_GRADE_CLASSES_MAX], imported[GI_GRADE_CLASSES_MAX];
} class_count_t;

static int count_class(const gi_grade_t *g, void *arg)
{
    class_count_t *c = arg;
    int k = gi_grade_class_index(c->cfg, g->class_name);
    if (k >= 0)
        (g->imported ? c->imported : c->derived)[k]++;
    return 0;
}

/* the users of the mark by credit class on 31 December, derived from the facts
 * dated by then (gi/grade.c) or imported */
static gi_err_t sec_grades(build_t *b, json_t *sec, gi_error_t *err)
{
    class_count_t c = {.cfg = b->o->grades ? b->o->grades : gi_grade_config_default()};
    db_account_t office = scope_office(b);
    char last[24];
    snprintf(last, sizeof last, "%04d-12-31", b->o->year);
    gi_err_t rc = gi_grade_all(b->ctx, &office, c.cfg, b->o->region, 1, last, count_class, &c, err);
    if (rc != GI_OK)
        return rc;
    json_t *t = table(sec, "用标主体信用分类（12月31日） Users by credit class on 31 December",
                      (const char *const[]){"类别 Class", "依事实 Derived", "外部导入 Imported",
                                            "合计 Total", NULL});
    for (int k = 0; k < c.cfg->n; k++)
        row(t, "siii", c.cfg->c[k].name, c.derived[k], c.imported[k], c.derived[k] + c.imported[k]);
    return GI_OK;
}

typedef struct {
    int64_t n[8];
} result_count_t;

static int count_result(json_t *item, void *arg)
{
    result_count_t *c = arg;
    const char *r = json_string_value(json_object_get(item, "result"));
    for (int k = 0; r && gi_inspection_results[k] && k < 8; k++)
        if (strcmp(r, gi_inspection_results[k]) == 0)
            c->n[k]++;
    return 0;
}

/* the year's inspections (双随机、一公开) by result */
static gi_err_t sec_inspections(build_t *b, json_t *sec, gi_error_t *err)
{
    result_count_t c = {{0}};
    db_account_t office = scope_office(b);
    db_page_t all = {0, INT64_C(1000000000)};
    gi_err_t rc = gi_inspection_list(b->ctx, &office, b->o->year, all, count_result, &c, err);
    if (rc != GI_OK)
        return rc;
    json_t *t = table(sec, "年度检查结果 Inspections in the year by result",
                      (const char *const[]){"结果 Result", "次数 Inspections", NULL});
    int64_t total = 0;
    for (int k = 0; gi_inspection_results[k] && k < 8; k++) {
        row(t, "si", gi_inspection_results[k], c.n[k]);
        total += c.n[k];
    }
    row(t, "si", "合计 Total", total);
    return GI_OK;
}

static gi_err_t sec_text(build_t *b, json_t *sec, const char *name)
{
    json_t *t = json_object_get(b->texts, name);
    json_object_set_new(sec, "text", json_string(t ? json_string_value(t) : ""));
    return GI_OK;
}
static gi_err_t sec_enforcement(build_t *b, json_t *sec, gi_error_t *err)
{
    (void)err;
    return sec_text(b, sec, "enforcement");
}
static gi_err_t sec_standards(build_t *b, json_t *sec, gi_error_t *err)
{
    (void)err;
    return sec_text(b, sec, "standards");
}
static gi_err_t sec_testing(build_t *b, json_t *sec, gi_error_t *err)
{
    (void)err;
    return sec_text(b, sec, "testing");
}
static gi_err_t sec_publicity(build_t *b, json_t *sec, gi_error_t *err)
{
    (void)err;
    return sec_text(b, sec, "publicity");
}
static gi_err_t sec_training(build_t *b, json_t *sec, gi_error_t *err)
{
    (void)err;
    return sec_text(b, sec, "training");
}

/* The report, in order. */
static const struct {
    const char *id, *title;
    gi_err_t (*build)(build_t *b, json_t *sec, gi_error_t *err);
} sections[] = {
    {"products", "一、地理标志产品和专用标志 GI products and GI marks by regime", sec_products},
    {"users", "二、用标主体 Users of the mark", sec_users},
    {"new_cancelled", "三、新增和注销用标主体 New and cancelled users in the year",
     sec_new_cancelled},
    {"authorisations", "四、用标许可管理 Authorisations granted, suspended, revoked",
     sec_authorisations},
    {"labels", "五、标签管理 Labels issued, activated, voided", sec_labels},
    {"scans", "六、扫码查询 Scans and verdicts", sec_scans},
    {"consumer_reports", "七、消费者举报 Consumer reports and outcomes", sec_consumer_reports},
    {"output", "八、年度产值 Output value", sec_output},
    {"grades", "九、分级分类监管 Graded supervision: users by credit class", sec_grades},
    {"inspections", "十、双随机抽查 Random inspections by result", sec_inspections},
    {"enforcement", "十一、行政保护和执法 Administrative protection and enforcement",
     sec_enforcement},
    {"standards", "十二、标准 Standards", sec_standards},
    {"testing", "十三、检验检测 Testing", sec_testing},
    {"publicity", "十四、宣传 Publicity", sec_publicity},
    {"training", "十五、培训 Training", sec_training},
};

static int text_row(const db_annual_row_t *r, void *arg)
{
    json_object_set_new(arg, r->k1, json_string(r->k2));
    return 0;
}

static gi_err_t check_year(const gi_ctx_t *ctx, int year, gi_error_t *err)
{
    char y0[24];
    if (year < 2000 || year > 2999)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_YEAR_INVALID,
                            "year must be between 2000 and 2999");
    snprintf(y0, sizeof y0, "%04d-01-01", year);
    if (gi_day_start(y0) > ctx->now)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_YEAR_NOT_BEGUN, "the year %d has not begun",
                            year);
    return GI_OK;
}

gi_err_t gi_annual_compute(const gi_ctx_t *ctx, const gi_annual_opts_t *o, json_t **out,
                           gi_error_t *err)
{
    gi_err_t rc = check_year(ctx, o->year, err);
    if (rc != GI_OK)
        return rc;
    char y0[24], y1[24];
    snprintf(y0, sizeof y0, "%04d-01-01", o->year);
    snprintf(y1, sizeof y1, "%04d-01-01", o->year + 1);
    const char *region = o->region ? o->region : "";
    gi_annual_opts_t opts = *o;
    opts.region = region;
    build_t b = {ctx, &opts, gi_day_start(y0), gi_day_start(y1), NULL, 0, 0, json_object()};
    json_t *counts = json_object();
    json_object_set_new(b.texts, "\x01counts", counts);
    db_err_t drc;
    if ((rc = tally(&b, DB_ANNUAL_PAIRS, pair_row, &b, err)) != GI_OK ||
        (rc = tally(&b, DB_ANNUAL_COUNTS, count_row, counts, err)) != GI_OK)
        goto out;
    if ((drc = db_annual_texts(ctx->db, o->year, region, text_row, b.texts)) != DB_OK) {
        rc = gi_db_fail(ctx->db, drc, err);
        goto out;
    }
    json_t *r = json_pack("{s:i, s:s, s:b, s:n, s:s, s:s, s:I}", "year", o->year, "scope", region,
                          "closed", 0, "closed_at", "closed_by", "", "source", "live", "target",
                          (json_int_t)(o->target > 0 ? o->target : GI_ANNUAL_TARGET));
    json_t *secs = json_array();
    json_object_set_new(r, "sections", secs);
    for (size_t i = 0; i < sizeof sections / sizeof sections[0] && rc == GI_OK; i++) {
        json_t *sec = json_pack("{s:s, s:s, s:[]}", "id", sections[i].id, "title",
                                sections[i].title, "tables");
        json_array_append_new(secs, sec);
        rc = sections[i].build(&b, sec, err);
    }
    if (rc == GI_OK)
        *out = r;
    else
        json_decref(r);
out:
    free(b.pairs);
    json_decref(b.texts);
    return rc;
}

/* --- closing ------------------------------------------------------------------------------ */

static int snapshot_row(const db_annual_row_t *r, void *arg)
{
    json_t **out = arg;
    json_t *j = json_loads(r->k1, 0, NULL);
    if (j) {
        json_object_set_new(j, "closed", json_true());
        json_object_set_new(j, "closed_at", json_integer(r->n[0]));
        json_object_set_new(j, "closed_by", json_string(r->k2));
        json_object_set_new(j, "source", json_string("snapshot"));
        *out = j;
    }
    return 1;
}

gi_err_t gi_annual_report(const gi_ctx_t *ctx, const gi_annual_opts_t *o, json_t **out,
                          gi_error_t *err)
{
    gi_err_t rc = check_year(ctx, o->year, err);
    if (rc != GI_OK)
        return rc;
    json_t *snap = NULL;
    db_err_t drc =
        db_annual_snapshot(ctx->db, o->year, o->region ? o->region : "", snapshot_row, &snap);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if (snap) {
        *out = snap;
        return GI_OK;
    }
    int closed = 0;
    if ((drc = db_annual_closed(ctx->db, o->year, &closed)) != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = gi_annual_compute(ctx, o, out, err)) == GI_OK && closed) {
        /* a scope that had no operator and no account when the year was closed:
         * computed now, and said so */
        json_object_set_new(*out, "closed", json_true());
        json_object_set_new(*out, "source", json_string("computed: no snapshot of this scope"));
    }
    return rc;
}

typedef struct {
    char (*scopes)[8];
    size_t n, cap;
} scopes_t;

static int scope_row(const db_annual_row_t *r, void *arg)
{
    scopes_t *s = arg;
    if (s->n == s->cap) {
        size_t cap = s->cap * 2;
        char(*p)[8] = realloc(s->scopes, cap * sizeof *p);
        if (!p)
            return 1;
        s->scopes = p;
        s->cap = cap;
    }
    snprintf(s->scopes[s->n++], 8, "%s", r->k1);
    return 0;
}

gi_err_t gi_annual_close(const gi_ctx_t *ctx, const gi_annual_opts_t *o, int64_t *nscopes,
                         gi_error_t *err)
{
    gi_err_t rc = check_year(ctx, o->year, err);
    if (rc != GI_OK)
        return rc;
    char y1[24];
    snprintf(y1, sizeof y1, "%04d-01-01", o->year + 1);
    if (ctx->now < gi_day_start(y1))
        return gi_fail_rule(err, GI_EREFUSED, GI_RULE_YEAR_NOT_ENDED,
                            "the year %d has not ended: it closes from %s", o->year, y1);
    scopes_t s = {calloc(16, 8), 1, 16};
    if (!s.scopes)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    if ((rc = gi_change_begin(ctx, err)) != GI_OK) {
        free(s.scopes);
        return rc;
    }
    int closed = 0;
    db_err_t drc = db_annual_closed(ctx->db, o->year, &closed);
    if (drc == DB_OK && !closed)
        drc = db_annual_scopes(ctx->db, scope_row, &s);
    if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    else if (closed)
        rc = gi_fail_rule(err, GI_EEXISTS, GI_RULE_YEAR_CLOSED, "the year %d is closed already",
                          o->year);
    for (size_t i = 0; i < s.n && rc == GI_OK; i++) {
        gi_annual_opts_t one = *o;
        one.region = s.scopes[i];
        json_t *r = NULL;
        if ((rc = gi_annual_compute(ctx, &one, &r, err)) != GI_OK)
            break;
        json_object_del(r, "closed");
        json_object_del(r, "closed_at");
        json_object_del(r, "closed_by");
        json_object_del(r, "source");
        char *text = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(r);
        if (!text) {
            rc = gi_fail(err, GI_ENOMEM, "out of memory");
            break;
        }
        drc = db_annual_close_insert(ctx->db, o->year, s.scopes[i], ctx->now, ctx->actor, text);
        free(text);
        if (drc != DB_OK)
            rc = gi_db_fail(ctx->db, drc, err);
    }
    if (rc == GI_OK) {
        json_t *detail = json_pack("{s:i, s:I}", "year", o->year, "scopes", (json_int_t)s.n);
        rc = gi_audit_record(ctx, "annual.close", "annual_report", o->year, detail, err);
        json_decref(detail);
    }
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && nscopes)
        *nscopes = (int64_t)s.n;
    free(s.scopes);
    return rc;
}

gi_err_t gi_annual_text_set(const gi_ctx_t *ctx, int year, const char *scope, const char *section,
                            const char *body, gi_error_t *err)
{
    gi_err_t rc = check_year(ctx, year, err);
    if (rc != GI_OK)
        return rc;
    if (!gi_annual_text_section(section))
        return gi_fail_rule(
            err, GI_EINVAL, GI_RULE_ANNUAL_SECTION_INVALID,
            "section must be enforcement, standards, testing, publicity or training");
    if ((rc = gi_check_lines("text", body ? body : "", GI_ANNUAL_TEXT_MAX, GI_ANNUAL_TEXT_MAX, 0,
                             err)) != GI_OK)
        return rc;
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    int closed = 0;
    db_err_t drc = db_annual_closed(ctx->db, year, &closed);
    if (drc == DB_OK && !closed)
        drc = db_annual_text_set(ctx->db, year, scope ? scope : "", section, body ? body : "",
                                 ctx->now, ctx->actor);
    if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    else if (closed)
        rc = gi_fail_rule(err, GI_EREFUSED, GI_RULE_YEAR_CLOSED,
                          "the year %d is closed: its report no longer changes", year);
    if (rc == GI_OK) {
        json_t *detail =
            json_pack("{s:i, s:s, s:s, s:s}", "year", year, "scope", scope ? scope : "", "section",
                      section, "text", body ? body : "");
        rc = gi_audit_record(ctx, "annual.text", "annual_report", year, detail, err);
        json_decref(detail);
    }
    return gi_change_end(ctx, rc, err);
}

/* --- CSV ----------------------------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} buf_t;

static void put(void *arg, const char *p, size_t n)
{
    buf_t *b = arg;
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap + n) * 2 + 256;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void cell(buf_t *b, const json_t *v, int first)
{
    char num[32];
    if (!first)
        put(b, ",", 1);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        put(b, num, strlen(num));
    } else
        label_csv_cell(json_is_string(v) ? json_string_value(v) : "", put, b);
}

char *gi_annual_csv(const json_t *report)
{
    buf_t b = {0};
    size_t i, j, k;
    json_t *sec, *t, *r, *v;
    char head[64];
    snprintf(head, sizeof head, "year,%lld,scope,",
             (long long)json_integer_value(json_object_get(report, "year")));
    put(&b, head, strlen(head));
    label_csv_cell(json_string_value(json_object_get(report, "scope")), put, &b);
    put(&b, json_is_true(json_object_get(report, "closed")) ? ",closed\r\n" : ",open\r\n",
        json_is_true(json_object_get(report, "closed")) ? 9 : 7);
    json_array_foreach(json_object_get(report, "sections"), i, sec)
    {
        json_array_foreach(json_object_get(sec, "tables"), j, t)
        {
            put(&b, "\r\n", 2);
            label_csv_cell(json_string_value(json_object_get(sec, "title")), put, &b);
            put(&b, ",", 1);
            label_csv_cell(json_string_value(json_object_get(t, "title")), put, &b);
            put(&b, "\r\n", 2);
            json_array_foreach(json_object_get(t, "columns"), k, v) cell(&b, v, k == 0);
            put(&b, "\r\n", 2);
            json_array_foreach(json_object_get(t, "rows"), k, r)
            {
                size_t m;
                json_array_foreach(r, m, v) cell(&b, v, m == 0);
                put(&b, "\r\n", 2);
            }
        }
        json_t *text = json_object_get(sec, "text");
        if (text) {
            put(&b, "\r\n", 2);
            label_csv_cell(json_string_value(json_object_get(sec, "title")), put, &b);
            put(&b, ",", 1);
            label_csv_cell(json_string_value(text), put, &b);
            put(&b, "\r\n", 2);
        }
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p ? b.p : strdup("");
}

int gi_annual_pdf(const json_t *report, int (*write)(void *arg, const unsigned char *p, size_t n),
                  void *arg)
{
    return annual_pdf_write(report, write, arg);
}

/* --- as an account may ---------------------------------------------------------------------- */

gi_err_t gi_annual_view(const gi_ctx_t *ctx, const db_account_t *a, gi_annual_opts_t *o,
                        json_t **out, gi_error_t *err)
{
    gi_subject_t s = {a->region_scope, 0};
    gi_err_t rc = gi_access(a, GI_ACT_OVERSEE, &s, err);
    if (rc != GI_OK)
        return rc;
    o->region = a->region_scope;
    return gi_annual_report(ctx, o, out, err);
}

gi_err_t gi_annual_act_text(const gi_ctx_t *ctx, const db_account_t *a, int year,
                            const char *section, const char *body, gi_error_t *err)
{
    gi_subject_t s = {a->region_scope, 0};
    gi_err_t rc = gi_access(a, GI_ACT_REGISTER, &s, err);
    if (rc != GI_OK)
        return rc;
    return gi_annual_text_set(ctx, year, a->region_scope, section, body, err);
}
