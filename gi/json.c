/*
 * json.c - JSON forms of registry records.
 */
#include "gi/json.h"
#include "gi/registry.h"

#include <sodium.h>

void gi_json_time(int64_t t, char out[24])
{
    gi_tm_t tm;
    gi_tm_of(t, &tm);
    snprintf(out, 24, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.year % 10000, tm.month, tm.day, tm.hour,
             tm.minute, tm.second);
}

static json_t *time_or_null(int64_t t)
{
    char buf[24];
    if (t == 0)
        return json_null();
    gi_json_time(t, buf);
    return json_string(buf);
}

json_t *gi_json_product(const db_product_t *p)
{
    /* the decision to print it without any number: its reason and when
     * (who recorded it is in the audit log), or null */
    json_t *unnumbered = p->unnumbered_reason[0]
                             ? json_pack("{s:s, s:o}", "reason", p->unnumbered_reason, "at",
                                         time_or_null(p->unnumbered_at))
                             : json_null();
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:o, s:b, s:o}",
                     "id", (json_int_t)p->id, "name_zh", p->name_zh, "name_en", p->name_en,
                     "name_vi", p->name_vi, "name_th", p->name_th, "regime", p->regime,
                     "reg_number", p->reg_number, "region_code", p->region_code, "standard",
                     p->standard, "gtin", p->gtin[0] ? p->gtin : NULL, "status", p->status,
                     "created_at", time_or_null(p->created_at), "photo", p->photo_at != 0,
                     "unnumbered", unnumbered);
}

json_t *gi_json_operator(const db_operator_t *o)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:o}", "id", (json_int_t)o->id,
                     "uscc", o->uscc, "name", o->name, "kind", o->kind, "region_code",
                     o->region_code, "contact", o->contact, "status", o->status, "uscc_override",
                     o->uscc_override[0] ? o->uscc_override : NULL, "created_at",
                     time_or_null(o->created_at));
}

json_t *gi_json_auth(const db_auth_t *a, const char *today, int64_t now)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:b}", "id",
                     (json_int_t)a->id, "operator_id", (json_int_t)a->operator_id, "operator_name",
                     a->operator_name, "operator_uscc", a->operator_uscc, "product_id",
                     (json_int_t)a->product_id, "product_name", a->product_name, "status",
                     gi_auth_status(a, today), "valid_from", a->valid_from, "valid_until",
                     a->valid_until, "yearly_quota", (json_int_t)a->yearly_quota, "approval_doc",
                     a->approval_doc, "approved_at", time_or_null(a->approved_at), "last_used_at",
                     time_or_null(a->last_used_at), "needs_review", gi_auth_needs_review(a, now));
}

json_t *gi_json_audit_row(const db_audit_row_t *row)
{
    char hash[2 * DB_HASH_LEN + 1];
    sodium_bin2hex(hash, sizeof hash, row->hash, DB_HASH_LEN);
    json_t *detail = json_loads(row->detail, 0, NULL);
    return json_pack("{s:I, s:o, s:s, s:s, s:s, s:I, s:o, s:s}", "id", (json_int_t)row->id, "at",
                     time_or_null(row->at), "actor", row->actor, "action", row->action, "entity",
                     row->entity, "entity_id", (json_int_t)row->entity_id, "detail",
                     detail ? detail : json_string(row->detail), "hash", hash);
}

/* A batch's fields but the GTIN its labels carry. */
static json_t *batch_fields(const db_batch_t *b)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:{s:s, s:s, s:s, s:s}, s:o, s:s, s:o, "
                     "s:s, s:s, s:o, s:o, s:o, s:s, s:I}",
                     "id", (json_int_t)b->id, "auth_id", (json_int_t)b->auth_id, "operator_id",
                     (json_int_t)b->operator_id, "product_id", (json_int_t)b->product_id, "count",
                     (json_int_t)b->count, "status", b->status, "quota_year",
                     (json_int_t)b->quota_year, "lot", "lot_number", b->lot_number, "harvest_date",
                     b->harvest_date, "production_base", b->production_base, "inspection_cert",
                     b->inspection_cert, "requested_at", time_or_null(b->requested_at),
                     "requested_by", b->requested_by, "decided_at", time_or_null(b->decided_at),
                     "decided_by", b->decided_by, "decision_note", b->decision_note, "issued_at",
                     time_or_null(b->issued_at), "activated_at", time_or_null(b->activated_at),
                     "voided_at", time_or_null(b->voided_at), "void_reason", b->void_reason,
                     "labels_voided", (json_int_t)b->labels_voided);
}

json_t *gi_json_batch(const db_batch_t *b)
{
    json_t *doc = batch_fields(b);
    if (doc) /* the GTIN its labels carry, "" when none */
        json_object_set_new(doc, "gtin", json_string(b->gtin));
    if (doc) /* labels in ranges given to households, bases or processors */
        json_object_set_new(doc, "allocated", json_integer(b->allocated));
    return doc;
}

json_t *gi_json_report(const db_report_t *r, int with_reporter)
{
    char at[24];
    gi_json_time(r->at, at);
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "at", at,
                          "code", r->code, "text", r->text, "status", r->status, "note", r->note);
    if (j && r->operator_id)
        json_object_set_new(j, "operator_id", json_integer(r->operator_id));
    if (j && with_reporter) {
        json_object_set_new(j, "contact", json_string(r->contact));
        json_object_set_new(j, "client_key", json_string(r->client_key));
    }
    return j;
}

json_t *gi_json_stats(const db_stats_t *st, int64_t target)
{
    double pct = target > 0 ? 100.0 * (double)st->operators_using / (double)target : 0;
    return json_pack("{s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:f, s:I}", "products",
                     (json_int_t)st->products, "operators", (json_int_t)st->operators,
                     "authorisations", "pending", (json_int_t)st->auth_pending, "approved",
                     (json_int_t)st->auth_approved, "suspended", (json_int_t)st->auth_suspended,
                     "revoked", (json_int_t)st->auth_revoked, "expired",
                     (json_int_t)st->auth_expired, "operators_authorised",
                     (json_int_t)st->operators_authorised, "operators_using_mark",
                     (json_int_t)st->operators_using, "target", (json_int_t)target,
                     "target_percent", pct, "audit_rows", (json_int_t)st->audit_rows);
}
