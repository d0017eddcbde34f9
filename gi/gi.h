/*
 * gi.h - what every gi_ operation shares: the context it runs in, and the
 * checks applied to outside input before it reaches a rule or the database.
 *
 * Thread-safety: a gi_ctx_t holds one db_t and is used by one thread.
 */
#ifndef GI_GI_H
#define GI_GI_H

#include "db/db.h"
#include "gi/error.h"

#include <stddef.h>
#include <stdint.h>

/* Who acts, on which database, at what time. The time travels in the context
 * (rather than each rule calling time()) so that tests can place it anywhere. */
typedef struct {
    db_t *db;
    const char *actor; /* "cli:root", "user:alice", ... */
    int64_t now;       /* Unix seconds */
    db_t *read_db;     /* a replica that a verification looks labels up in first, or NULL;
                          a label it lacks (issued moments ago) is looked up in db */
} gi_ctx_t;

#define GI_DATE_LEN 10 /* YYYY-MM-DD */

#define GI_CST_OFFSET (8 * 3600) /* China Standard Time: UTC+8, no daylight saving */

/* A moment broken down into calendar fields. */
typedef struct {
    int year, month, day, hour, minute, second;
} gi_tm_t;

/* The UTC calendar fields of t (add GI_CST_OFFSET first for China Standard
 * Time). Pure arithmetic: unlike gmtime_r, no process-wide lock, which every
 * server thread would otherwise take several times a request. */
void gi_tm_of(int64_t t, gi_tm_t *out);

/* The calendar date of t in China Standard Time (UTC+8, no daylight saving),
 * which is the date printed on every GI document. */
void gi_date_of(int64_t t, char out[GI_DATE_LEN + 1]);

/* The first and the last second (Unix time) of a YYYY-MM-DD date in China
 * Standard Time; -1 when date is not a real calendar date. */
int64_t gi_day_start(const char *date);
int64_t gi_date_end(const char *date);

/* Adds years to a YYYY-MM-DD date (Feb 29 becomes Feb 28). */
void gi_date_add_years(const char date[GI_DATE_LEN + 1], int years, char out[GI_DATE_LEN + 1]);

/* GI_OK when s is a real calendar date written YYYY-MM-DD. */
gi_err_t gi_check_date(const char *field, const char *s, gi_error_t *err);

/* GI_OK when s is valid UTF-8 without control characters, at most max_chars
 * characters and fitting max_bytes; required refuses an empty string. */
gi_err_t gi_check_text(const char *field, const char *s, size_t max_chars, size_t max_bytes,
                       int required, gi_error_t *err);

/* Like gi_check_text, but line breaks and tabs are allowed (free text). */
gi_err_t gi_check_lines(const char *field, const char *s, size_t max_chars, size_t max_bytes,
                        int required, gi_error_t *err);

/* Makes s valid UTF-8 in place: each byte that does not start a valid
 * sequence becomes '?'. For text that quotes outside input or was cut
 * short by a bounded format (which can split a character). */
void gi_utf8_repair(char *s);

/* GI_OK when s is a 6-digit GB/T 2260 code under a known province prefix. */
gi_err_t gi_check_region(const char *field, const char *s, gi_error_t *err);

/* s as a whole decimal number in [min, max]: ASCII digits, with a leading
 * '-' only for a negative number (no space, no '+', no "-0"), at most 19
 * digits. 0 with *out set, or -1 when s is NULL, empty, not wholly such a
 * number, out of range or past what int64_t holds. The one reader of
 * numbers from outside: options, query parameters, form fields. */
int gi_parse_whole(const char *s, int64_t min, int64_t max, int64_t *out);

/* The most digits of a record id: 18 keeps every id below INT64_MAX / 2. */
#define GI_ID_DIGITS_MAX 18

/* s as a record id: 1 to GI_ID_DIGITS_MAX ASCII digits, the first not '0'
 * (one spelling per record: no sign, space, hex or leading zero). 0 with
 * *out set (>= 1), or -1. The one reader of ids in paths (/api/v1/.../{id},
 * /admin/.../{id}, /coop/.../{id}) and of the CLI's ids. */
int gi_parse_id(const char *s, int64_t *out);

/* True when region (a 6-digit code) lies inside scope, a GB/T 2260 prefix
 * ("45" province, "4510" city, "451003" county; "" everything). */
int gi_region_within(const char *region, const char *scope);

/* One change: gi_change_begin() opens it (a savepoint when one is open
 * already); gi_change_end() commits when rc is GI_OK, else rolls back, and
 * returns the outcome. */
gi_err_t gi_change_begin(const gi_ctx_t *ctx, gi_error_t *err);
gi_err_t gi_change_end(const gi_ctx_t *ctx, gi_err_t rc, gi_error_t *err);

/* Maps a storage failure to a gi_err_t with the storage layer's message. */
gi_err_t gi_db_fail(db_t *db, db_err_t rc, gi_error_t *err);

#endif
