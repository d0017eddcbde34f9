/*
 * inspect.c - random inspections: registers, draws, inspection records,
 * evidence and publication (see inspect.h).
 */
#include "gi/inspect.h"
#include "gi/access.h"
#include "gi/audit.h"
#include "labels/csv.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gi_check_keys[DB_CHECKS] = {"mark_uscc", "scope_use",     "raw_material",
                                              "standard",  "label_records", "transfer"};
const char *const gi_inspection_results[] = {"no_problem", "rectify", "unreachable",
                                             "refused",    "other",   NULL};

static int one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && (n ? i < n : list[i] != NULL); i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static gi_err_t may_read(const db_account_t *a, gi_error_t *err)
{
    return gi_may_see_grades(a) ? GI_OK
                                : gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_ROLE_NOT_ALLOWED,
                                               "inspections are for regulators and auditors");
}

static gi_err_t may_supervise(const db_account_t *a, const char *region, int64_t operator_id,
                              gi_error_t *err)
{
    gi_subject_t s = {region, operator_id};
    return gi_access(a, GI_ACT_SUPERVISE, &s, err);
}

static gi_err_t operator_of(const gi_ctx_t *ctx, int64_t id, db_operator_t *o, gi_error_t *err)
{
    db_err_t rc = db_operator_get(ctx->db, id, o);
    if (rc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no operator %lld", (long long)id);
    return rc == DB_OK ? GI_OK : gi_db_fail(ctx->db, rc, err);
}

/* --- plans --------------------------------------------------------------------------------- */

gi_err_t gi_draw_ratios_parse(const char *text, const gi_grade_config_t *cfg, gi_draw_plan_t *plan,
                              gi_error_t *err)
{
    int seen[GI_GRADE_CLASSES_MAX] = {0};
    const char *p = text ? text : "";
    while (*p) {
        char name[GI_GRADE_NAME_MAX + 1], num[8];
        size_t len = strcspn(p, ":,");
        if (len == 0 || len > GI_GRADE_NAME_MAX || p[len] != ':')
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_RATIOS_INVALID,
                                "draw ratios: write CLASS:PERCENT,... (\"%s\")",
                                GI_DRAW_RATIOS_DEFAULT);
        memcpy(name, p, len);
        name[len] = '\0';
        p += len + 1;
        size_t nlen = strcspn(p, ",");
        int64_t pct = 0;
        if (nlen == 0 || nlen >= sizeof num)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_RATIOS_INVALID,
                                "draw ratios: a percent of 1 to 100 for %s", name);
        memcpy(num, p, nlen);
        num[nlen] = '\0';
        int k = gi_grade_class_index(cfg, name);
        if (k < 0)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_RATIOS_INVALID,
                                "draw ratios: %s is not one of the classes set", name);
        if (gi_parse_whole(num, 1, 100, &pct) != 0)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_RATIOS_INVALID,
                                "draw ratios: %s needs a percent of 1 to 100 (no class is exempt)",
                                name);
        plan->ratio[k] = (int)pct;
        seen[k] = 1;
        p += nlen;
        if (*p == ',')
            p++;
    }
    for (int k = 0; k < cfg->n; k++)
        if (!seen[k])
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_RATIOS_INVALID,
                                "draw ratios: class %s has none (no class is exempt)",
                                cfg->c[k].name);
    return GI_OK;
}

/* --- draws --------------------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    char uscc[20];
    char name[DB_TEXT];
    int cls;
    int excluded;
} member_t;

typedef struct {
    member_t *m;
    size_t n, cap;
    const gi_grade_config_t *cfg;
    int64_t *excluded; /* ids, sorted */
    size_t nexcl, capexcl;
    db_inspector_t *insp;
    size_t ninsp, capinsp;
    int64_t (*conflict)[2];
    size_t nconf, capconf;
    json_t *conflicts;
} population_t;

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 32;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int add_member(const gi_grade_t *g, void *arg)
{
    population_t *pop = arg;
    if (grow((void **)&pop->m, &pop->cap, pop->n, sizeof *pop->m) != 0)
        return 1;
    member_t *m = &pop->m[pop->n++];
    memset(m, 0, sizeof *m);
    m->id = g->operator_id;
    snprintf(m->uscc, sizeof m->uscc, "%s", g->operator_uscc);
    snprintf(m->name, sizeof m->name, "%s", g->operator_name);
    m->cls = gi_grade_class_index(pop->cfg, g->class_name);
    if (m->cls < 0) /* an imported class the set no longer has: the derived one */
        m->cls = gi_grade_class_index(pop->cfg, g->derived);
    return 0;
}

static int add_excluded(int64_t id, void *arg)
{
    population_t *pop = arg;
    if (grow((void **)&pop->excluded, &pop->capexcl, pop->nexcl, sizeof *pop->excluded) != 0)
        return 1;
    pop->excluded[pop->nexcl++] = id;
    return 0;
}

static int add_inspector(const db_inspector_t *in, void *arg)
{
    population_t *pop = arg;
    if (!in->active)
        return 0;
    if (grow((void **)&pop->insp, &pop->capinsp, pop->ninsp, sizeof *pop->insp) != 0)
        return 1;
    pop->insp[pop->ninsp++] = *in;
    return 0;
}

static int add_conflict(int64_t inspector_id, int64_t operator_id, const char *reason, void *arg)
{
    (void)reason;
    population_t *pop = arg;
    if (grow((void **)&pop->conflict, &pop->capconf, pop->nconf, sizeof *pop->conflict) != 0)
        return 1;
    pop->conflict[pop->nconf][0] = inspector_id;
    pop->conflict[pop->nconf][1] = operator_id;
    pop->nconf++;
    return 0;
}

static int in_conflict(const population_t *pop, int64_t inspector_id, int64_t operator_id)
{
    for (size_t i = 0; i < pop->nconf; i++)
        if (pop->conflict[i][0] == inspector_id && pop->conflict[i][1] == operator_id)
            return 1;
    return 0;
}

static void population_free(population_t *pop)
{
    free(pop->m);
    free(pop->excluded);
    free(pop->insp);
    free(pop->conflict);
}

/* The deterministic stream: one 64-bit word a pick. */
typedef struct {
    unsigned char *buf;
    size_t len, pos;
} stream_t;

static uint64_t next_word(stream_t *s)
{
    uint64_t v = 0;
    if (s->pos + 8 > s->len) /* never: the stream is sized for every pick */
        return 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | s->buf[s->pos++];
    return v;
}

/* Moves k of the n ids in v to its front, in draw order (partial Fisher-Yates). */
static void pick(int64_t *v, size_t n, size_t k, stream_t *s)
{
    for (size_t i = 0; i < k && i < n; i++) {
        size_t j = i + (size_t)(next_word(s) % (uint64_t)(n - i));
        int64_t t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

static json_t *plan_json(const gi_draw_plan_t *plan, const gi_grade_config_t *cfg, const char *date)
{
    json_t *ratios = json_object(), *classes = json_object();
    for (int k = 0; k < cfg->n; k++) {
        json_object_set_new(ratios, cfg->c[k].name, json_integer(plan->ratio[k]));
        json_object_set_new(classes, cfg->c[k].name, json_integer(cfg->c[k].min_points));
    }
    return json_pack("{s:s, s:I, s:s, s:o, s:o, s:b, s:i}", "office", plan->office, "year",
                     (json_int_t)plan->year, "date", date, "ratios", ratios, "class_points",
                     classes, "exclude_inspected", plan->exclude_inspected, "inspectors_per_target",
                     plan->inspectors_per_target);
}

static char *dump(const json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

static gi_err_t draw_store(const gi_ctx_t *ctx, json_t *plan, json_t *population, const char *seed,
                           json_t *result, const gi_draw_plan_t *p, int64_t *id, gi_error_t *err)
{
    char *tp = dump(plan), *tpop = dump(population), *tres = dump(result);
    gi_err_t rc = GI_OK;
    if (!tp || !tpop || !tres)
        rc = gi_fail(err, GI_ENOMEM, "out of memory");
    if (rc == GI_OK && (rc = gi_change_begin(ctx, err)) == GI_OK) {
        db_draw_t d = {0, ctx->now, ctx->actor, p->office, p->year, tp, tpop, seed, tres};
        rc = gi_db_fail(ctx->db, db_draw_insert(ctx->db, &d, id), err);
        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[2 * sizeof h + 1];
        crypto_hash_sha256(h, (const unsigned char *)tpop, strlen(tpop));
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        json_t *targets = json_array();
        size_t i;
        json_t *t;
        json_array_foreach(result, i, t)
            json_array_append(targets, json_object_get(t, "operator_id"));
        json_t *detail = json_pack("{s:s, s:O, s:s, s:o}", "seed", seed, "plan", plan,
                                   "population_sha256", hex, "targets", targets);
        if (rc == GI_OK)
            rc = gi_audit_record(ctx, "supervision.draw", "inspection_draw", *id, detail, err);
        json_decref(detail);
        rc = gi_change_end(ctx, rc, err);
    }
    free(tp);
    free(tpop);
    free(tres);
    return rc;
}

gi_err_t gi_draw(const gi_ctx_t *ctx, const db_account_t *a, const gi_grade_config_t *cfg,
                 const gi_draw_plan_t *plan_in, const char *seed_hex, int dry_run, json_t **out,
                 int64_t *id, gi_error_t *err)
{
    gi_draw_plan_t plan = *plan_in;
    population_t pop = {.cfg = cfg};
    char today[GI_DATE_LEN + 1], from[GI_DATE_LEN + 1], to[GI_DATE_LEN + 1];
    unsigned char seed[randombytes_SEEDBYTES];
    char seedhex[2 * randombytes_SEEDBYTES + 1];
    stream_t s = {0};
    int64_t *ids = NULL;
    json_t *jpop = NULL, *result = NULL, *jplan = NULL;
    gi_err_t rc = GI_OK;
    *out = NULL;
    gi_date_of(ctx->now, today);
    if (!plan.office[0])
        snprintf(plan.office, sizeof plan.office, "%s", a->region_scope);
    if (plan.year == 0)
        plan.year = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
                    (today[3] - '0');
    size_t olen = strlen(plan.office);
    for (size_t i = 0; i < olen; i++)
        if (plan.office[i] < '0' || plan.office[i] > '9')
            olen = 1;
    if (olen != 0 && olen != 2 && olen != 4 && olen != 6)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_PLAN_INVALID,
                            "office: a GB/T 2260 prefix of 2, 4 or 6 digits");
    if (plan.year < 2000 || plan.year > 2999)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_YEAR_INVALID, "year: 2000 to 2999");
    if (plan.inspectors_per_target < 2 || plan.inspectors_per_target > GI_DRAW_INSPECTORS_MAX)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_PLAN_INVALID,
                            "inspectors per target: 2 to %d", GI_DRAW_INSPECTORS_MAX);
    for (int k = 0; k < cfg->n; k++)
        if (plan.ratio[k] < 1 || plan.ratio[k] > 100)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_RATIOS_INVALID,
                                "ratio of class %s: 1 to 100 percent (none is exempt)",
                                cfg->c[k].name);
    if (!gi_region_within(plan.office, a->region_scope))
        return gi_fail_rule(err, GI_ENOTFOUND, GI_RULE_REGION_OUT_OF_SCOPE,
                            "office %s is outside the account's scope", plan.office);
    if (!dry_run && (rc = may_supervise(a, plan.office, 0, err)) != GI_OK)
        return rc;
    if (seed_hex && seed_hex[0]) {
        size_t bin = 0;
        if (strlen(seed_hex) != 2 * sizeof seed ||
            sodium_hex2bin(seed, sizeof seed, seed_hex, strlen(seed_hex), NULL, &bin, NULL) != 0 ||
            bin != sizeof seed)
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_DRAW_PLAN_INVALID, "seed: 64 hex digits");
    } else {
        randombytes_buf(seed, sizeof seed);
    }
    sodium_bin2hex(seedhex, sizeof seedhex, seed, sizeof seed);
    snprintf(from, sizeof from, "%04d-01-01", (int)plan.year);
    snprintf(to, sizeof to, "%04d-12-31", (int)plan.year);

    /* the population as it stands today, by operator id */
    if ((rc = gi_grade_all(ctx, a, cfg, plan.office, 1, today, add_member, &pop, err)) != GI_OK)
        goto out;
    db_err_t drc = DB_OK;
    if (plan.exclude_inspected)
        drc = db_inspected_operators(ctx->db, plan.office, from, to, add_excluded, &pop);
    if (drc == DB_OK)
        drc = db_inspector_list(ctx->db, plan.office, add_inspector, &pop);
    if (drc == DB_OK)
        drc = db_inspector_conflicts(ctx->db, plan.office, add_conflict, &pop);
    if (drc != DB_OK) {
        rc = gi_db_fail(ctx->db, drc, err);
        goto out;
    }
    for (size_t i = 0; i < pop.n; i++)
        for (size_t k = 0; k < pop.nexcl; k++)
            pop.m[i].excluded |= pop.excluded[k] == pop.m[i].id;

    jplan = plan_json(&plan, cfg, today);
    jpop = json_object();
    json_t *ops = json_array(), *insp = json_array(), *conf = json_array(),
           *classes = json_object();
    json_object_set_new(jpop, "operators", ops);
    json_object_set_new(jpop, "inspectors", insp);
    json_object_set_new(jpop, "conflicts", conf);
    for (size_t i = 0; i < pop.n; i++)
        json_array_append_new(ops,
                              json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)pop.m[i].id,
                                        "uscc", pop.m[i].uscc, "class", cfg->c[pop.m[i].cls].name,
                                        "excluded", pop.m[i].excluded));
    for (size_t i = 0; i < pop.ninsp; i++)
        json_array_append_new(insp, json_pack("{s:I, s:s}", "id", (json_int_t)pop.insp[i].id,
                                              "cert_no", pop.insp[i].cert_no));
    for (size_t i = 0; i < pop.nconf; i++)
        json_array_append_new(conf, json_pack("[I, I]", (json_int_t)pop.conflict[i][0],
                                              (json_int_t)pop.conflict[i][1]));

    /* sizes per class, the stream, then the picks */
    size_t eligible[GI_GRADE_CLASSES_MAX] = {0}, take[GI_GRADE_CLASSES_MAX] = {0}, total = 0;
    for (size_t i = 0; i < pop.n; i++)
        if (!pop.m[i].excluded)
            eligible[pop.m[i].cls]++;
    for (int k = 0; k < cfg->n; k++) {
        take[k] = (eligible[k] * (size_t)plan.ratio[k] + 99) / 100;
        total += take[k];
        json_object_set_new(classes, cfg->c[k].name,
                            json_pack("{s:I, s:I, s:i}", "eligible", (json_int_t)eligible[k],
                                      "drawn", (json_int_t)take[k], "percent", plan.ratio[k]));
    }
    if (dry_run) {
        *out = json_pack("{s:O, s:o, s:I, s:I, s:I}", "plan", jplan, "classes", classes,
                         "population", (json_int_t)pop.n, "excluded", (json_int_t)pop.nexcl,
                         "inspectors", (json_int_t)pop.ninsp);
        goto out;
    }
    s.len = 8 * (pop.n + total * (size_t)plan.inspectors_per_target + 1);
    s.buf = malloc(s.len);
    ids = malloc((pop.n + pop.ninsp + 1) * sizeof *ids);
    result = json_array();
    if (!s.buf || !ids || !result) {
        json_decref(classes);
        rc = gi_fail(err, GI_ENOMEM, "out of memory");
        goto out;
    }
    randombytes_buf_deterministic(s.buf, s.len, seed);
    json_object_set_new(jpop, "classes", classes);
    for (int k = 0; k < cfg->n && rc == GI_OK; k++) {
        size_t n = 0;
        for (size_t i = 0; i < pop.n; i++)
            if (!pop.m[i].excluded && pop.m[i].cls == k)
                ids[n++] = (int64_t)i; /* index into pop.m, in id order */
        pick(ids, n, take[k], &s);
        for (size_t t = 0; t < take[k] && rc == GI_OK; t++) {
            const member_t *m = &pop.m[ids[t]];
            int64_t *cand = ids + n; /* room past the class's members: pop.n + ninsp */
            size_t nc = 0;
            for (size_t i = 0; i < pop.ninsp; i++)
                if (!in_conflict(&pop, pop.insp[i].id, m->id))
                    cand[nc++] = pop.insp[i].id;
            if (nc < (size_t)plan.inspectors_per_target) {
                rc = gi_fail_rule(err, GI_EREFUSED, GI_RULE_TOO_FEW_INSPECTORS,
                                  "operator %s: %zu inspectors of office '%s' without a declared "
                                  "conflict, %d needed: register more inspectors",
                                  m->uscc, nc, plan.office, plan.inspectors_per_target);
                break;
            }
            pick(cand, nc, (size_t)plan.inspectors_per_target, &s);
            json_t *chosen = json_array();
            for (int i = 0; i < plan.inspectors_per_target; i++)
                json_array_append_new(chosen, json_integer(cand[i]));
            json_array_append_new(result,
                                  json_pack("{s:I, s:s, s:s, s:s, s:o}", "operator_id",
                                            (json_int_t)m->id, "uscc", m->uscc, "name", m->name,
                                            "class", cfg->c[k].name, "inspectors", chosen));
        }
    }
    if (rc == GI_OK)
        rc = draw_store(ctx, jplan, jpop, seedhex, result, &plan, id, err);
    if (rc == GI_OK)
        *out = json_pack("{s:I, s:I, s:s, s:O, s:O, s:s, s:O}", "id", (json_int_t)*id, "at",
                         (json_int_t)ctx->now, "actor", ctx->actor, "plan", jplan, "population",
                         jpop, "seed", seedhex, "result", result);
out:
    json_decref(jplan);
    json_decref(jpop);
    json_decref(result);
    free(ids);
    free(s.buf);
    population_free(&pop);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

typedef struct {
    gi_json_fn fn;
    void *arg;
} json_list_t;

static int draw_item(const db_draw_t *d, void *arg)
{
    json_list_t *l = arg;
    json_t *j = json_pack(
        "{s:I, s:I, s:s, s:s, s:I, s:o?, s:o?, s:s, s:o?}", "id", (json_int_t)d->id, "at",
        (json_int_t)d->at, "actor", d->actor, "office", d->office, "year", (json_int_t)d->year,
        "plan", json_loads(d->plan, 0, NULL), "population", json_loads(d->population, 0, NULL),
        "seed", d->seed, "result", json_loads(d->result, 0, NULL));
    int stop = j ? l->fn(j, l->arg) : 1;
    json_decref(j);
    return stop;
}

gi_err_t gi_draw_list(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, db_page_t page,
                      gi_json_fn fn, void *arg, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    json_list_t l = {fn, arg};
    db_err_t drc = db_draw_list(ctx->db, id, a->region_scope, page, draw_item, &l);
    return drc == DB_OK ? GI_OK : gi_db_fail(ctx->db, drc, err);
}

/* --- registers ----------------------------------------------------------------------------- */

gi_err_t gi_item_add(const gi_ctx_t *ctx, const db_account_t *a, const char *checklist_key,
                     const char *name, const char *legal_basis, int64_t *id, gi_error_t *err)
{
    db_inspection_item_t it = {.created_at = ctx->now};
    gi_err_t rc;
    if (checklist_key && checklist_key[0] && !one_of(checklist_key, gi_check_keys, DB_CHECKS))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                            "checklist key: mark_uscc, scope_use, raw_material, standard, "
                            "label_records, transfer or none");
    if ((rc = gi_check_text("name", name, 100, sizeof it.name - 1, 1, err)) ||
        (rc = gi_check_text("legal basis", legal_basis, 160, sizeof it.legal_basis - 1, 1, err)))
        return rc;
    if ((rc = may_supervise(a, a->region_scope, 0, err)) != GI_OK)
        return rc;
    if (strlen(a->region_scope) > 2)
        return gi_fail_rule(err, GI_EFORBIDDEN, GI_RULE_PROVINCE_ONLY,
                            "the register of inspection items is the province's");
    snprintf(it.checklist_key, sizeof it.checklist_key, "%s", checklist_key ? checklist_key : "");
    snprintf(it.name, sizeof it.name, "%s", name);
    snprintf(it.legal_basis, sizeof it.legal_basis, "%s", legal_basis);
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_db_fail(ctx->db, db_inspection_item_insert(ctx->db, &it), err);
    json_t *detail = json_pack("{s:s, s:s, s:s}", "checklist_key", it.checklist_key, "name",
                               it.name, "legal_basis", it.legal_basis);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "inspection_item.add", "inspection_item", it.id, detail, err);
    json_decref(detail);
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && id)
        *id = it.id;
    return rc;
}

gi_err_t gi_inspector_add(const gi_ctx_t *ctx, const db_account_t *a, const char *name,
                          const char *cert_no, const char *field, const char *region_code,
                          int64_t *id, gi_error_t *err)
{
    db_inspector_t n = {.active = 1, .created_at = ctx->now};
    gi_err_t rc;
    if ((rc = gi_check_text("name", name, 50, sizeof n.name - 1, 1, err)) ||
        (rc = gi_check_text("certificate number", cert_no, 40, sizeof n.cert_no - 1, 1, err)) ||
        (rc = gi_check_text("field", field, 50, sizeof n.field - 1, 0, err)) ||
        (rc = gi_check_region("office region", region_code, err)))
        return rc;
    if ((rc = may_supervise(a, region_code, 0, err)) != GI_OK)
        return rc;
    snprintf(n.name, sizeof n.name, "%s", name);
    snprintf(n.cert_no, sizeof n.cert_no, "%s", cert_no);
    snprintf(n.field, sizeof n.field, "%s", field ? field : "");
    snprintf(n.region_code, sizeof n.region_code, "%s", region_code);
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_db_fail(ctx->db, db_inspector_insert(ctx->db, &n), err);
    json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "name", n.name, "cert_no", n.cert_no,
                               "field", n.field, "region", n.region_code);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "inspector.add", "inspector", n.id, detail, err);
    json_decref(detail);
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && id)
        *id = n.id;
    return rc;
}

gi_err_t gi_inspector_conflict(const gi_ctx_t *ctx, const db_account_t *a, int64_t inspector_id,
                               int64_t operator_id, const char *reason, gi_error_t *err)
{
    db_inspector_t n;
    db_operator_t o;
    gi_err_t rc = gi_check_text("reason", reason, 200, DB_TEXT - 1, 1, err);
    if (rc != GI_OK)
        return rc;
    db_err_t drc = db_inspector_get(ctx->db, inspector_id, &n);
    if (drc == DB_ENOTFOUND)
        return gi_fail(err, GI_ENOTFOUND, "no inspector %lld", (long long)inspector_id);
    if (drc != DB_OK)
        return gi_db_fail(ctx->db, drc, err);
    if ((rc = may_supervise(a, n.region_code, 0, err)) != GI_OK ||
        (rc = operator_of(ctx, operator_id, &o, err)) != GI_OK)
        return rc;
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_db_fail(
        ctx->db, db_inspector_conflict_insert(ctx->db, inspector_id, operator_id, reason, ctx->now),
        err);
    json_t *detail =
        json_pack("{s:I, s:s}", "operator_id", (json_int_t)operator_id, "reason", reason);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "inspector.conflict", "inspector", inspector_id, detail, err);
    json_decref(detail);
    return gi_change_end(ctx, rc, err);
}

static int item_json(const db_inspection_item_t *it, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)it->id,
                                         "checklist_key", it->checklist_key, "name", it->name,
                                         "legal_basis", it->legal_basis));
    return 0;
}

static int inspector_json(const db_inspector_t *n, void *arg)
{
    json_array_append_new(arg,
                          json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:[]}", "id", (json_int_t)n->id,
                                    "name", n->name, "cert_no", n->cert_no, "field", n->field,
                                    "region", n->region_code, "active", n->active, "conflicts"));
    return 0;
}

static int conflict_json(int64_t inspector_id, int64_t operator_id, const char *reason, void *arg)
{
    size_t i;
    json_t *n;
    json_array_foreach((json_t *)arg, i,
                       n) if (json_integer_value(json_object_get(n, "id")) == inspector_id)
        json_array_append_new(
            json_object_get(n, "conflicts"),
            json_pack("{s:I, s:s}", "operator_id", (json_int_t)operator_id, "reason", reason));
    return 0;
}

gi_err_t gi_registers_json(const gi_ctx_t *ctx, const db_account_t *a, json_t **items,
                           json_t **inspectors, gi_error_t *err)
{
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    *items = json_array();
    *inspectors = json_array();
    db_err_t drc = db_inspection_item_list(ctx->db, item_json, *items);
    if (drc == DB_OK)
        drc = db_inspector_list(ctx->db, a->region_scope, inspector_json, *inspectors);
    if (drc == DB_OK)
        drc = db_inspector_conflicts(ctx->db, a->region_scope, conflict_json, *inspectors);
    if (drc != DB_OK) {
        json_decref(*items);
        json_decref(*inspectors);
        *items = *inspectors = NULL;
        return gi_db_fail(ctx->db, drc, err);
    }
    return GI_OK;
}

/* --- inspections --------------------------------------------------------------------------- */

/* Whether draw_id (inside a's scope) drew operator_id. */
typedef struct {
    int64_t operator_id;
    int found, drawn;
} draw_check_t;

static int draw_has(const db_draw_t *d, void *arg)
{
    draw_check_t *c = arg;
    json_t *r = json_loads(d->result, 0, NULL);
    size_t i;
    json_t *t;
    c->found = 1;
    json_array_foreach(r, i, t) if (json_integer_value(json_object_get(t, "operator_id")) ==
                                    c->operator_id) c->drawn = 1;
    json_decref(r);
    return 1;
}

static gi_err_t check_input(const gi_ctx_t *ctx, const db_account_t *a,
                            const gi_inspection_input_t *in, db_inspection_t *rec, gi_error_t *err)
{
    db_operator_t o;
    char today[GI_DATE_LEN + 1];
    gi_err_t rc;
    gi_date_of(ctx->now, today);
    if ((rc = operator_of(ctx, in->operator_id, &o, err)) != GI_OK ||
        (rc = may_supervise(a, o.region_code, o.id, err)) != GI_OK)
        return rc;
    if ((rc = gi_check_text("body", in->body, 100, sizeof rec->body - 1, 1, err)) ||
        (rc = gi_check_date("date", in->date, err)) ||
        (rc = gi_check_lines("note", in->note, 300, sizeof rec->note - 1, 0, err)))
        return rc;
    if (strcmp(in->date, today) > 0)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID, "date %s is after today",
                            in->date);
    static const char *const marks[] = {"pass", "fail", "na"};
    for (int i = 0; i < DB_CHECKS; i++)
        if (!one_of(in->checks[i], marks, 3))
            return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                                "check %s: pass, fail or na", gi_check_keys[i]);
    if (!one_of(in->result, gi_inspection_results, 0))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                            "result: no_problem, rectify, unreachable, refused or other");
    int rectify = strcmp(in->result, "rectify") == 0;
    const char *by = in->rectify_by ? in->rectify_by : "";
    if (rectify && (gi_check_date("rectify by", by, err) != GI_OK || strcmp(by, in->date) < 0))
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                            "rectify: a date to rectify by, on or after the inspection");
    if (!rectify && by[0])
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                            "a date to rectify by goes with the result rectify only");
    if (in->ninspectors < 2 || in->ninspectors > GI_DRAW_INSPECTORS_MAX)
        return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID, "inspectors: 2 to %d",
                            GI_DRAW_INSPECTORS_MAX);
    for (size_t i = 0; i < in->ninspectors; i++) {
        db_inspector_t n;
        for (size_t k = 0; k < i; k++)
            if (in->inspectors[k] == in->inspectors[i])
                return gi_fail_rule(err, GI_EINVAL, GI_RULE_INSPECTION_INVALID,
                                    "inspector %lld twice", (long long)in->inspectors[i]);
        db_err_t drc = db_inspector_get(ctx->db, in->inspectors[i], &n);
        if (drc == DB_ENOTFOUND ||
            (drc == DB_OK && !gi_region_within(n.region_code, a->region_scope)))
            return gi_fail(err, GI_ENOTFOUND, "no inspector %lld", (long long)in->inspectors[i]);
        if (drc != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
        population_t pop = {0};
        drc = db_inspector_conflicts(ctx->db, n.region_code, add_conflict, &pop);
        int conflicted = in_conflict(&pop, n.id, o.id);
        population_free(&pop);
        if (drc != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
        if (conflicted)
            return gi_fail_rule(err, GI_EREFUSED, GI_RULE_INSPECTOR_CONFLICT,
                                "inspector %s declared a conflict with %s", n.cert_no, o.uscc);
    }
    if (in->product_id) {
        db_product_t p;
        db_err_t drc = db_product_get(ctx->db, in->product_id, &p);
        if (drc == DB_ENOTFOUND)
            return gi_fail(err, GI_ENOTFOUND, "no product %lld", (long long)in->product_id);
        if (drc != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
    }
    if (in->draw_id) {
        draw_check_t c = {o.id, 0, 0};
        db_page_t one = {.offset = 0, .limit = 1};
        db_err_t drc = db_draw_list(ctx->db, in->draw_id, a->region_scope, one, draw_has, &c);
        if (drc != DB_OK)
            return gi_db_fail(ctx->db, drc, err);
        if (!c.found)
            return gi_fail(err, GI_ENOTFOUND, "no draw %lld", (long long)in->draw_id);
        if (!c.drawn)
            return gi_fail_rule(err, GI_EREFUSED, GI_RULE_NOT_DRAWN, "draw %lld did not draw %s",
                                (long long)in->draw_id, o.uscc);
    }
    memset(rec, 0, sizeof *rec);
    rec->draw_id = in->draw_id;
    rec->operator_id = o.id;
    rec->product_id = in->product_id;
    snprintf(rec->office, sizeof rec->office, "%s", a->region_scope);
    snprintf(rec->body, sizeof rec->body, "%s", in->body);
    snprintf(rec->inspected_on, sizeof rec->inspected_on, "%.10s", in->date);
    for (int i = 0; i < DB_CHECKS; i++)
        snprintf(rec->checks[i], sizeof rec->checks[i], "%s", in->checks[i]);
    snprintf(rec->result, sizeof rec->result, "%s", in->result);
    snprintf(rec->rectify_by, sizeof rec->rectify_by, "%.10s", by);
    snprintf(rec->note, sizeof rec->note, "%s", in->note ? in->note : "");
    rec->created_at = ctx->now;
    snprintf(rec->actor, sizeof rec->actor, "%s", ctx->actor);
    return GI_OK;
}

gi_err_t gi_inspection_add(const gi_ctx_t *ctx, const db_account_t *a,
                           const gi_inspection_input_t *in, int64_t *id, gi_error_t *err)
{
    db_inspection_t *rec = malloc(sizeof *rec);
    if (!rec)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    gi_err_t rc = check_input(ctx, a, in, rec, err);
    if (rc == GI_OK && (rc = gi_change_begin(ctx, err)) == GI_OK) {
        rc = gi_db_fail(ctx->db, db_inspection_insert(ctx->db, rec), err);
        for (size_t i = 0; rc == GI_OK && i < in->ninspectors; i++)
            rc = gi_db_fail(ctx->db,
                            db_inspection_add_inspector(ctx->db, rec->id, in->inspectors[i]), err);
        json_t *detail = gi_inspection_json(rec);
        if (rc == GI_OK)
            rc = gi_audit_record(ctx, "inspection.add", "inspection", rec->id, detail, err);
        json_decref(detail);
        rc = gi_change_end(ctx, rc, err);
        if (rc == GI_OK && id)
            *id = rec->id;
    }
    free(rec);
    return rc;
}

json_t *gi_inspection_json(const db_inspection_t *in)
{
    json_t *checks = json_object();
    for (int i = 0; i < DB_CHECKS; i++)
        json_object_set_new(checks, gi_check_keys[i], json_string(in->checks[i]));
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:s}", "id",
                          (json_int_t)in->id, "operator_id", (json_int_t)in->operator_id,
                          "operator", in->operator_name, "uscc", in->operator_uscc, "office",
                          in->office, "body", in->body, "checks", checks, "date", in->inspected_on,
                          "result", in->result, "rectify_by", in->rectify_by, "created_at",
                          (json_int_t)in->created_at, "note", in->note);
    if (!j)
        return NULL;
    json_object_set_new(j, "draw_id", in->draw_id ? json_integer(in->draw_id) : json_null());
    json_object_set_new(j, "product_id",
                        in->product_id ? json_integer(in->product_id) : json_null());
    json_object_set_new(j, "product", json_string(in->product_name));
    json_object_set_new(j, "published_at",
                        in->published_at ? json_integer(in->published_at) : json_null());
    return j;
}

static int inspector_name(const db_inspector_t *n, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)n->id, "name",
                                         n->name, "cert_no", n->cert_no));
    return 0;
}

static int evidence_json(const db_evidence_t *e, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)e->id,
                                         "name", e->name, "content_type", e->content_type, "size",
                                         (json_int_t)e->size, "at", (json_int_t)e->at));
    return 0;
}

gi_err_t gi_inspection_get(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, json_t **out,
                           gi_error_t *err)
{
    db_inspection_t *in = malloc(sizeof *in);
    gi_err_t rc = in ? may_read(a, err) : gi_fail(err, GI_ENOMEM, "out of memory");
    db_err_t drc = rc == GI_OK ? db_inspection_get(ctx->db, id, in) : DB_OK;
    if (rc == GI_OK && drc == DB_ENOTFOUND)
        rc = gi_fail(err, GI_ENOTFOUND, "no inspection %lld", (long long)id);
    else if (rc == GI_OK && drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK) {
        gi_subject_t s = {in->operator_region, in->operator_id};
        rc = gi_access(a, GI_ACT_READ, &s, err);
    }
    if (rc == GI_OK) {
        json_t *j = gi_inspection_json(in), *names = json_array(), *files = json_array();
        drc = db_inspection_inspectors(ctx->db, id, inspector_name, names);
        if (drc == DB_OK)
            drc = db_evidence_list(ctx->db, id, evidence_json, files);
        json_object_set_new(j, "inspectors", names);
        json_object_set_new(j, "evidence", files);
        if (drc != DB_OK) {
            json_decref(j);
            rc = gi_db_fail(ctx->db, drc, err);
        } else {
            *out = j;
        }
    }
    free(in);
    return rc;
}

static int inspection_item(const db_inspection_t *in, void *arg)
{
    json_list_t *l = arg;
    json_t *j = gi_inspection_json(in);
    int stop = j ? l->fn(j, l->arg) : 1;
    json_decref(j);
    return stop;
}

static void year_range(int64_t year, char from[GI_DATE_LEN + 1], char to[GI_DATE_LEN + 1])
{
    from[0] = to[0] = '\0';
    if (year) {
        snprintf(from, GI_DATE_LEN + 1, "%04d-01-01", (int)year);
        snprintf(to, GI_DATE_LEN + 1, "%04d-12-31", (int)year);
    }
}

gi_err_t gi_inspection_list(const gi_ctx_t *ctx, const db_account_t *a, int64_t year,
                            db_page_t page, gi_json_fn fn, void *arg, gi_error_t *err)
{
    char from[GI_DATE_LEN + 1], to[GI_DATE_LEN + 1];
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    if (year != 0 && (year < 2000 || year > 2999))
        return gi_fail(err, GI_EINVAL, "year: 2000 to 2999");
    year_range(year, from, to);
    json_list_t l = {fn, arg};
    db_err_t drc =
        db_inspection_list(ctx->db, a->region_scope, 0, from, to, page, inspection_item, &l);
    return drc == DB_OK ? GI_OK : gi_db_fail(ctx->db, drc, err);
}

/* --- evidence ------------------------------------------------------------------------------ */

const char *gi_evidence_type(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return "application/pdf";
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return "image/jpeg";
    return NULL;
}

gi_err_t gi_evidence_add(const gi_ctx_t *ctx, const db_account_t *a, int64_t inspection_id,
                         const char *name, const void *data, size_t len, int64_t *id,
                         gi_error_t *err)
{
    db_evidence_t e = {.inspection_id = inspection_id, .size = (int64_t)len, .at = ctx->now};
    gi_err_t rc = gi_check_text("file name", name, 100, sizeof e.name - 1, 1, err);
    if (rc != GI_OK)
        return rc;
    if (strchr(name, '/') || strchr(name, '\\'))
        return gi_fail(err, GI_EINVAL, "file name: no path");
    if (len == 0 || len > GI_EVIDENCE_MAX)
        return gi_fail(err, GI_EINVAL, "an evidence file is 1 byte to %d KiB",
                       GI_EVIDENCE_MAX / 1024);
    const char *type = gi_evidence_type(data, len);
    if (!type)
        return gi_fail(err, GI_EINVAL, "evidence: a PDF, PNG or JPEG file");
    db_inspection_t *in = malloc(sizeof *in);
    if (!in)
        return gi_fail(err, GI_ENOMEM, "out of memory");
    db_err_t drc = db_inspection_get(ctx->db, inspection_id, in);
    if (drc == DB_ENOTFOUND)
        rc = gi_fail(err, GI_ENOTFOUND, "no inspection %lld", (long long)inspection_id);
    else if (drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK)
        rc = may_supervise(a, in->operator_region, in->operator_id, err);
    free(in);
    if (rc != GI_OK)
        return rc;
    snprintf(e.name, sizeof e.name, "%s", name);
    snprintf(e.content_type, sizeof e.content_type, "%s", type);
    snprintf(e.actor, sizeof e.actor, "%s", ctx->actor);
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof h + 1];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if ((rc = gi_change_begin(ctx, err)) != GI_OK)
        return rc;
    rc = gi_db_fail(ctx->db, db_evidence_insert(ctx->db, &e, data), err);
    json_t *detail =
        json_pack("{s:I, s:s, s:s, s:I, s:s}", "evidence", (json_int_t)e.id, "name", e.name,
                  "content_type", type, "size", (json_int_t)len, "sha256", hex);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "inspection.evidence", "inspection", inspection_id, detail, err);
    json_decref(detail);
    rc = gi_change_end(ctx, rc, err);
    if (rc == GI_OK && id)
        *id = e.id;
    return rc;
}

gi_err_t gi_evidence_get(const gi_ctx_t *ctx, const db_account_t *a, int64_t id, json_t **out,
                         gi_error_t *err)
{
    db_evidence_t e;
    gi_err_t rc = may_read(a, err);
    if (rc != GI_OK)
        return rc;
    unsigned char *data = malloc(GI_EVIDENCE_MAX);
    size_t b64len = sodium_base64_ENCODED_LEN(GI_EVIDENCE_MAX, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    db_inspection_t *in = malloc(sizeof *in);
    db_err_t drc = DB_OK;
    if (!data || !b64 || !in)
        rc = gi_fail(err, GI_ENOMEM, "out of memory");
    if (rc == GI_OK && (drc = db_evidence_get(ctx->db, id, &e, data, GI_EVIDENCE_MAX)) == DB_OK)
        drc = db_inspection_get(ctx->db, e.inspection_id, in);
    if (rc == GI_OK && drc == DB_ENOTFOUND)
        rc = gi_fail(err, GI_ENOTFOUND, "no evidence %lld", (long long)id);
    else if (rc == GI_OK && drc != DB_OK)
        rc = gi_db_fail(ctx->db, drc, err);
    if (rc == GI_OK) {
        gi_subject_t s = {in->operator_region, in->operator_id};
        rc = gi_access(a, GI_ACT_READ, &s, err);
    }
    if (rc == GI_OK && (e.size < 1 || e.size > GI_EVIDENCE_MAX))
        rc = gi_fail(err, GI_EIO, "evidence %lld: a stored size out of bounds", (long long)id);
    if (rc == GI_OK) {
        sodium_bin2base64(b64, b64len, data, (size_t)e.size, sodium_base64_VARIANT_ORIGINAL);
        *out = json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s}", "id", (json_int_t)e.id,
                         "inspection_id", (json_int_t)e.inspection_id, "name", e.name,
                         "content_type", e.content_type, "size", (json_int_t)e.size, "at",
                         (json_int_t)e.at, "data", b64);
        if (!*out)
            rc = gi_fail(err, GI_ENOMEM, "out of memory");
    }
    free(in);
    free(b64);
    free(data);
    return rc;
}

/* --- publication --------------------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
    int failed;
    int64_t *ids;
    size_t nids, capids;
} csv_t;

static void csv_put(void *arg, const char *s, size_t n)
{
    csv_t *c = arg;
    if (c->failed)
        return;
    if (c->len + n + 1 > c->cap) {
        size_t cap = (c->cap ? c->cap * 2 : 4096) + n;
        char *q = realloc(c->p, cap);
        if (!q) {
            c->failed = 1;
            return;
        }
        c->p = q;
        c->cap = cap;
    }
    memcpy(c->p + c->len, s, n);
    c->len += n;
    c->p[c->len] = '\0';
}

static void csv_row(csv_t *c, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            csv_put(c, ",", 1);
        label_csv_cell(cells[i], csv_put, c);
    }
    csv_put(c, "\r\n", 2);
}

static int publish_row(const db_inspection_t *in, void *arg)
{
    csv_t *c = arg;
    const char *cells[] = {in->inspected_on, in->body,      in->operator_name, in->operator_uscc,
                           in->product_name, in->checks[0], in->checks[1],     in->checks[2],
                           in->checks[3],    in->checks[4], in->checks[5],     in->result,
                           in->rectify_by};
    csv_row(c, cells, sizeof cells / sizeof cells[0]);
    if (grow((void **)&c->ids, &c->capids, c->nids, sizeof *c->ids) != 0) {
        c->failed = 1;
        return 1;
    }
    c->ids[c->nids++] = in->id;
    return 0;
}

gi_err_t gi_inspection_publish(const gi_ctx_t *ctx, const db_account_t *a, int64_t year, char **csv,
                               size_t *len, int64_t *count, gi_error_t *err)
{
    char from[GI_DATE_LEN + 1], to[GI_DATE_LEN + 1];
    csv_t c = {0};
    gi_err_t rc;
    *csv = NULL;
    if (year < 2000 || year > 2999)
        return gi_fail(err, GI_EINVAL, "year: 2000 to 2999");
    if ((rc = may_supervise(a, a->region_scope, 0, err)) != GI_OK)
        return rc;
    year_range(year, from, to);
    static const char *const head[] = {"date",      "body",          "operator",  "uscc",
                                       "product",   "mark_uscc",     "scope_use", "raw_material",
                                       "standard",  "label_records", "transfer",  "result",
                                       "rectify_by"};
    csv_row(&c, head, sizeof head / sizeof head[0]);
    if ((rc = gi_change_begin(ctx, err)) != GI_OK) {
        free(c.p);
        return rc;
    }
    db_page_t all = {.offset = 0, .limit = 1000000};
    rc = gi_db_fail(ctx->db,
                    db_inspection_list(ctx->db, a->region_scope, 0, from, to, all, publish_row, &c),
                    err);
    if (rc == GI_OK && c.failed)
        rc = gi_fail(err, GI_ENOMEM, "out of memory");
    for (size_t i = 0; rc == GI_OK && i < c.nids; i++)
        rc = gi_db_fail(ctx->db, db_inspection_set_published(ctx->db, c.ids[i], ctx->now), err);
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof h + 1];
    crypto_hash_sha256(h, (const unsigned char *)(c.p ? c.p : ""), c.len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    json_t *detail = json_pack("{s:I, s:s, s:I, s:s}", "year", (json_int_t)year, "scope",
                               a->region_scope, "inspections", (json_int_t)c.nids, "sha256", hex);
    if (rc == GI_OK)
        rc = gi_audit_record(ctx, "inspection.publish", "inspection", 0, detail, err);
    json_decref(detail);
    rc = gi_change_end(ctx, rc, err);
    free(c.ids);
    if (rc != GI_OK) {
        free(c.p);
        return rc;
    }
    *csv = c.p;
    *len = c.len;
    if (count)
        *count = (int64_t)c.nids;
    return GI_OK;
}
