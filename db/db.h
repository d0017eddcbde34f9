/*
 * db.h - the storage layer: the only module that speaks SQL.
 *
 * The API is in domain terms (insert an operator, append an audit row, ...),
 * so that another engine can stand behind it later. Records are plain structs
 * with fixed-size text fields; a text value too long for its field is refused
 * at the edge (gi/) before it reaches here.
 *
 * Thread-safety: a db_t is one connection; use one db_t per thread.
 * Changes: every change runs inside db_begin()/db_commit(); callers roll back
 * with db_rollback() on any error so that nothing partial is ever stored.
 */
#ifndef DB_DB_H
#define DB_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct db db_t;

typedef enum {
    DB_OK = 0,
    DB_ENOTFOUND, /* no such record */
    DB_EEXISTS,   /* a unique key is already taken */
    DB_EBUSY,     /* another connection has the database open (db_claim) */
    DB_EIO,       /* anything else: see db_errmsg() */
} db_err_t;

#define DB_TEXT_SHORT 32
#define DB_TEXT       256
#define DB_HASH_LEN   32

typedef struct {
    int64_t id;
    char name_zh[DB_TEXT];
    char name_en[DB_TEXT];
    char name_vi[DB_TEXT]; /* Vietnamese, "" when not recorded */
    char name_th[DB_TEXT]; /* Thai, "" when not recorded */
    char regime[DB_TEXT_SHORT];
    char reg_number[DB_TEXT];
    char region_code[8];
    char standard[DB_TEXT];
    char gtin[16]; /* "" when none */
    char status[DB_TEXT_SHORT];
    int64_t created_at;
    int64_t photo_at; /* when its photo was uploaded, 0: none (set by db_product_photo_put) */
    /* the office's decision that the product's labels may go out without any
     * number (gi/rules.h): its reason, "" when there is none; who, when */
    char unnumbered_reason[1024];
    char unnumbered_by[DB_TEXT];
    int64_t unnumbered_at;
} db_product_t;

typedef struct {
    int64_t id;
    char uscc[20];
    char name[DB_TEXT];
    char kind[DB_TEXT_SHORT];
    char region_code[8];
    char contact[DB_TEXT];
    char status[DB_TEXT_SHORT];
    char uscc_override[DB_TEXT]; /* reason, "" when the USCC passed every check */
    int64_t created_at;
} db_operator_t;

typedef struct {
    int64_t id;
    int64_t operator_id;
    int64_t product_id;
    char status[DB_TEXT_SHORT]; /* stored status; 'expired' is derived by gi/ */
    char valid_from[12];
    char valid_until[12];
    int64_t yearly_quota;
    char approval_doc[DB_TEXT];
    int64_t created_at;
    int64_t approved_at;  /* 0 when never approved */
    int64_t last_used_at; /* 0 when never used */
    int64_t status_at;    /* when the status last changed, 0 when unknown (set by
                             db_auth_set_status) */
    /* filled by reads, ignored by writes */
    char operator_name[DB_TEXT];
    char operator_uscc[20];
    char product_name[DB_TEXT];
} db_auth_t;

typedef struct {
    int64_t auth_id;
    const char *from_status;
    const char *to_status;
    const char *actor;
    int64_t at;
    const char *reason;
} db_auth_event_t;

typedef struct {
    int64_t id;
    int64_t at;
    const char *actor;
    const char *action;
    const char *entity;
    int64_t entity_id;
    const char *detail; /* canonical JSON */
    unsigned char prev_hash[DB_HASH_LEN];
    unsigned char hash[DB_HASH_LEN];
} db_audit_row_t;

typedef struct {
    int64_t products;
    int64_t operators;
    int64_t auth_pending;
    int64_t auth_approved; /* stored approved, expiry not considered */
    int64_t auth_suspended;
    int64_t auth_revoked;
    int64_t auth_expired;         /* stored approved/suspended/pending but past valid_until */
    int64_t operators_authorised; /* with an approved, unexpired authorisation */
    int64_t operators_using;      /* ... that have labels issued under it: using the mark */
    int64_t audit_rows;
} db_stats_t;

/* Paging for lists: at most limit rows after skipping offset. */
typedef struct {
    int64_t offset;
    int64_t limit;
} db_page_t;

/* What a list is narrowed to; zero fields (and a NULL filter) narrow nothing. */
typedef struct {
    int64_t operator_id; /* one operator's records (-1: nobody's) */
    int64_t product_id;
    int64_t auth_id;
    const char *region; /* GB/T 2260 prefix of the operator's region (of the
                           product's, for products); NULL or "": everywhere */
} db_filter_t;

/* --- connection ----------------------------------------------------------- */

/* Scan events are kept in a file of their own beside the database
 * (gimark.db -> gimark-scans.db; other names get "-scans" appended), attached
 * to every connection. Writes the name into out. */
void db_scans_path(const char *path, char *out, size_t cap);

/* Opens the database target names: a file path (SQLite: created when
 * missing, WAL, foreign keys, a busy timeout) or a PostgreSQL server (a
 * postgresql:// URI or "host=... dbname=..."), and applies pending
 * migrations in one transaction. On failure returns NULL and writes a
 * message into errbuf. Free with db_close(). */
db_t *db_open(const char *target, char *errbuf, size_t errlen);
/* Opens a read-only standby of a PostgreSQL database (streaming replica) for
 * lookups: no migration, its schema must be the one this gimark knows.
 * NULL with a message for a file path or on failure. */
db_t *db_open_replica(const char *target, char *errbuf, size_t errlen);
/* Whether replica (from db_open_replica) may answer a lookup in primary's
 * stead: it holds every change committed on primary up to a second ago or
 * later (a change shows within that bound whatever the replica's lag). Asks
 * primary where its WAL is at most twice a second, and replica where its
 * replay is when behind. 0 when either cannot say (the caller asks primary). */
int db_replica_current(db_t *replica, db_t *primary);
/* Whether target names a database server rather than a file. */
int db_target_is_server(const char *target);
/* target as it may be shown or logged: a password in it becomes "***". */
void db_target_shown(const char *target, char *out, size_t cap);
/* "sqlite" or "postgresql". */
const char *db_engine_name(const db_t *db);
void db_close(db_t *db);

/* By default every commit is on disk before it returns. After this call a
 * commit may be lost to a power failure (never to a crash of the process),
 * for writers that commit very often, such as the scan writer. */
db_err_t db_relax_durability(db_t *db);

/* Lets this connection keep up to mib MiB of the main file's pages in memory
 * (SQLite's default is 2 MiB): a lookup whose pages are cached makes no
 * system call. */
db_err_t db_cache_size(db_t *db, int mib);

/* For connections that serve many small reads (the server's workers): label
 * and scan-count reads may see a snapshot up to max_ms old, kept open as one
 * read transaction and renewed when older. Beginning a transaction, or closing,
 * ends it first. Saves taking and dropping the read locks on every lookup
 * (measured: an fcntl() and a contended mutex per request). */
void db_hold_snapshots(db_t *db, int max_ms);

/* The message of the last failure on this connection. */
const char *db_errmsg(const db_t *db);

/* Schema version reached and the newest this build knows, both of db's engine. */
int db_schema_version(db_t *db);
int db_schema_latest(const db_t *db);

/* A change: begin (taking the write lock at once), commit or roll back.
 * Calls nest: an inner begin/commit is a savepoint inside the outer change,
 * so a sequence of changes can be made all-or-nothing. */
db_err_t db_begin(db_t *db);
db_err_t db_commit(db_t *db);
void db_rollback(db_t *db);

/* --- products ------------------------------------------------------------- */

db_err_t db_product_insert(db_t *db, db_product_t *p); /* sets p->id */
db_err_t db_product_get(db_t *db, int64_t id, db_product_t *out);
/* The product whose GTIN-14 is gtin (db/gs1.c). */
db_err_t db_product_find_gtin(db_t *db, const char *gtin, db_product_t *out);
/* Stores p's names, regime, numbers, region and GTIN; DB_EEXISTS on a GTIN taken. */
db_err_t db_product_update(db_t *db, const db_product_t *p);
typedef int (*db_product_fn)(const db_product_t *p, void *arg); /* non-zero stops */
db_err_t db_product_list(db_t *db, const db_filter_t *f, db_page_t page, db_product_fn fn,
                         void *arg);

/* Records (reason not "") or withdraws (reason "": by and at are stored
 * as "" and 0) the decision that product_id may be printed without any
 * number (db/rules.c). DB_ENOTFOUND when there is no such product. */
db_err_t db_product_unnumbered_set(db_t *db, int64_t product_id, const char *reason, const char *by,
                                   int64_t at);

/* --- operators ------------------------------------------------------------ */

db_err_t db_operator_insert(db_t *db, db_operator_t *o); /* sets o->id; DB_EEXISTS on USCC */
db_err_t db_operator_get(db_t *db, int64_t id, db_operator_t *out);
/* Stores o's name, kind, region and contact (the USCC is the operator's
 * identity and never changes). */
db_err_t db_operator_update(db_t *db, const db_operator_t *o);
db_err_t db_operator_find_uscc(db_t *db, const char *uscc, db_operator_t *out);
typedef int (*db_operator_fn)(const db_operator_t *o, void *arg);
db_err_t db_operator_list(db_t *db, const db_filter_t *f, db_page_t page, db_operator_fn fn,
                          void *arg);

/* --- authorisations --------------------------------------------------------- */

db_err_t db_auth_insert(db_t *db, db_auth_t *a); /* sets a->id */
db_err_t db_auth_get(db_t *db, int64_t id, db_auth_t *out);
/* Stores a new status, changed at time at; approved_at when non-zero and
 * approval_doc when not NULL are stored with it. */
db_err_t db_auth_set_status(db_t *db, int64_t id, const char *status, int64_t at,
                            int64_t approved_at, const char *approval_doc);
db_err_t db_auth_event_insert(db_t *db, const db_auth_event_t *ev);
/* Lists authorisations, narrowed by f's operator, product and region. */
typedef int (*db_auth_fn)(const db_auth_t *a, void *arg);
db_err_t db_auth_list(db_t *db, const db_filter_t *f, db_page_t page, db_auth_fn fn, void *arg);
/* Counts live (not revoked) authorisations of operator for product. */
db_err_t db_auth_count_live(db_t *db, int64_t operator_id, int64_t product_id, int64_t *count);

/* --- audit log ------------------------------------------------------------ */

/* The id the next row must take and the hash of the newest row (zeros when
 * the log is empty). */
db_err_t db_audit_head(db_t *db, int64_t *next_id, unsigned char prev_hash[DB_HASH_LEN]);
db_err_t db_audit_append(db_t *db, const db_audit_row_t *row);
/* Walks rows in id order, oldest first (the whole chain). */
typedef int (*db_audit_fn)(const db_audit_row_t *row, void *arg);
db_err_t db_audit_each(db_t *db, db_page_t page, db_audit_fn fn, void *arg);
/* Lists rows newest first, narrowed to f's region: a row's region is that of
 * the record it names (the operator of an authorisation, batch or report;
 * the product's own); rows naming no region (accounts, tokens, reports on
 * codes that name no label) are listed only for a province or wider. */
db_err_t db_audit_list(db_t *db, const db_filter_t *f, db_page_t page, db_audit_fn fn, void *arg);
/* The highest id ever handed out, even if that row was since removed. */
db_err_t db_audit_highest_issued(db_t *db, int64_t *id);

/* --- products' names in vi and th, and photos (db/words.c) ------------------------ */

/* Stores a product's names in Vietnamese and Thai ("" none). */
db_err_t db_product_names_set(db_t *db, int64_t product_id, const char *name_vi,
                              const char *name_th);

/* Stores a product's photo (a PNG already re-encoded, width x height), replacing
 * any, and sets the product's photo_at to at. */
db_err_t db_product_photo_put(db_t *db, int64_t product_id, const unsigned char *png, size_t len,
                              int width, int height, int64_t at, const char *by);
/* A product's photo, in *png (malloc'd, the caller frees) of *len bytes, with the
 * product's photo_at; DB_ENOTFOUND when it has none. */
db_err_t db_product_photo_get(db_t *db, int64_t product_id, unsigned char **png, size_t *len,
                              int64_t *photo_at);

/* --- batches and labels ------------------------------------------------------ */

typedef struct {
    int64_t id;
    int64_t auth_id;
    int64_t count;
    char status[DB_TEXT_SHORT]; /* requested approved rejected issued activated voided */
    int64_t quota_year;
    char lot_number[DB_TEXT];
    char harvest_date[12];
    char production_base[DB_TEXT];
    char inspection_cert[DB_TEXT];
    int64_t requested_at;
    char requested_by[DB_TEXT];
    int64_t decided_at;
    char decided_by[DB_TEXT];
    char decision_note[DB_TEXT];
    int64_t issued_at;
    int64_t activated_at;
    int64_t voided_at;
    char void_reason[DB_TEXT];
    char gtin[16];     /* the GTIN-14 its labels carry, set at issuance; "" when none */
    int64_t allocated; /* labels in allocations to producers or processors (kept by
                          db_allocation_*: written by them, not by db_batch_update) */
    /* filled by reads, ignored by writes */
    int64_t operator_id;
    int64_t product_id;
    int64_t labels_voided; /* labels voided one by one */
} db_batch_t;

/* Where a label's product comes from, when its range was allocated: what a
 * consumer may be shown (never a producer's name or contact). */
typedef struct {
    int found;                     /* 0: the label is with the operator itself */
    char kind[DB_TEXT_SHORT];      /* household | base | processor */
    char region_code[8];           /* GB/T 2260 county of the village or base */
    char village[DB_TEXT];         /* "" for a processor */
    char base_type[DB_TEXT_SHORT]; /* planting | breeding | processing; "" otherwise */
} db_origin_t;

/* Everything the verdict on one code needs, read in one lookup (and one
 * more when its batch has allocations: the origin). */
typedef struct {
    char code[20];
    int64_t seq;
    int label_voided;
    int64_t label_voided_at; /* 0 unless label_voided */
    char void_reason[DB_TEXT];
    db_origin_t origin;
    db_batch_t batch;
    db_auth_t auth;
    db_product_t product;
    db_operator_t op;
} db_label_view_t;

db_err_t db_batch_insert(db_t *db, db_batch_t *b); /* sets b->id */
db_err_t db_batch_get(db_t *db, int64_t id, db_batch_t *out);
/* Stores status and the decision, issue (with the GTIN), activation and void
 * fields of b. */
db_err_t db_batch_update(db_t *db, const db_batch_t *b);
/* Lists batches, newest first, narrowed by f's operator, authorisation and
 * region. */
typedef int (*db_batch_fn)(const db_batch_t *b, void *arg);
db_err_t db_batch_list(db_t *db, const db_filter_t *f, db_page_t page, db_batch_fn fn, void *arg);
/* Labels of an authorisation counted against its quota for a year: batches
 * issued or activated, plus requested and approved ones when pending_too.
 * Inside a change, other connections' changes of that authorisation's quota
 * wait until this change ends (a row lock on PostgreSQL). */
db_err_t db_quota_used(db_t *db, int64_t auth_id, int64_t year, int pending_too, int64_t *used);
/* Marks an authorisation as used (labels issued or scanned) at time at. */
db_err_t db_auth_touch(db_t *db, int64_t auth_id, int64_t at);

/* Inserts one label inside the caller's change; DB_EEXISTS when the code is
 * already taken (the caller draws another). code is 16 canonical symbols. */
db_err_t db_label_insert(db_t *db, const char *code, int64_t batch_id, int64_t seq);
/* Inserts n labels of batch_id: the i-th code (16 characters at codes + i *
 * stride, in code order) with sequence number first_seq + i. A code already
 * taken is left out and its i written to taken[] (room for n), their number
 * to *ntaken, for the caller to draw again. The bulk path of issuance:
 * SQLite inserts in code order, PostgreSQL copies them in (COPY). */
db_err_t db_labels_insert(db_t *db, int64_t batch_id, int64_t first_seq, const char *codes,
                          size_t stride, size_t n, size_t *taken, size_t *ntaken);
/* Walks a batch's labels in sequence order; voided tells whether each label
 * was voided one by one. */
typedef int (*db_label_fn)(const char *code, int64_t seq, int voided, void *arg);
db_err_t db_label_each(db_t *db, int64_t batch_id, db_label_fn fn, void *arg);
/* Reads a label with its batch, authorisation, product and operator. */
db_err_t db_label_find(db_t *db, const char *code, db_label_view_t *out);
/* --- EPCIS events (db/gs1.c) -------------------------------------------------------- */

/* The head of an event of a batch's life: issuance (kind 0), activation
 * (1), a label voided alone (2, seq its label's), the batch voided (3). */
typedef struct {
    int64_t t;
    int64_t batch_id;
    int kind;
    int64_t seq;
} db_epcis_head_t;

typedef struct {
    const db_filter_t *filter; /* operator and region of the batches (NULL: all) */
    int64_t from, until;       /* event times in [from, until) */
    int64_t batch_id;          /* 0: every batch */
    unsigned kinds;            /* 1: issuance, 2: activation, 4: voids */
    db_epcis_head_t after;     /* heads after this position ... */
    int strict;                /* ... or, when 0, from it on */
    int64_t limit;
} db_epcis_scan_t;

/* Heads in time order (then batch, kind, seq). */
typedef int (*db_epcis_head_fn)(const db_epcis_head_t *h, void *arg);
db_err_t db_epcis_heads(db_t *db, const db_epcis_scan_t *q, db_epcis_head_fn fn, void *arg);
/* A batch's labels with seq in [seq_from, seq_to) not voided alone before
 * voided_before, in seq order, read as they stream from the database. */
typedef int (*db_epcis_label_fn)(const char *code, int64_t seq, void *arg);
db_err_t db_epcis_labels(db_t *db, int64_t batch_id, int64_t seq_from, int64_t seq_to,
                         int64_t voided_before, db_epcis_label_fn fn, void *arg);

/* Voids one label; DB_EEXISTS when it is voided already. */
db_err_t db_label_void(db_t *db, const char *code, int64_t at, const char *actor,
                       const char *reason);

/* --- member households, production bases, allocations of labels ---------------- */

/* A member household (kind "household") or production base (kind "base") of
 * an operator, growing one product. Area in hundredths of a mu; assessed
 * yield per mu in yield_unit ("kg" | "piece"); per_label_milli is the
 * product one label stands for, in thousandths of yield_unit. */
typedef struct {
    int64_t id;
    int64_t operator_id;
    int64_t product_id;
    char kind[DB_TEXT_SHORT];
    char name[DB_TEXT];
    char contact[DB_TEXT];
    char region_code[8]; /* GB/T 2260 county */
    char village[DB_TEXT];
    char base_type[DB_TEXT_SHORT]; /* planting | breeding | processing; "" for a household */
    char certification[DB_TEXT];
    int64_t area_cmu;
    int64_t yield_per_mu;
    char yield_unit[DB_TEXT_SHORT];
    int64_t per_label_milli;
    int64_t created_at;
    /* filled by reads, ignored by writes */
    char operator_name[DB_TEXT];
    char operator_region[8];
    char product_name[DB_TEXT];
} db_producer_t;

db_err_t db_producer_insert(db_t *db, db_producer_t *p); /* sets p->id */
db_err_t db_producer_get(db_t *db, int64_t id, db_producer_t *out);
/* Lists producers of kind ("" both) narrowed by f's operator, product and
 * region (of the operator, as every record's scope) and by in_region (a
 * GB/T 2260 prefix of the producer's own county; "" any), by id. */
typedef int (*db_producer_fn)(const db_producer_t *p, void *arg);
db_err_t db_producer_list(db_t *db, const db_filter_t *f, const char *kind, const char *in_region,
                          db_page_t page, db_producer_fn fn, void *arg);
/* Labels allocated to producer_id in batches of quota year `year`. */
db_err_t db_producer_allocated(db_t *db, int64_t producer_id, int64_t year, int64_t *used);

/* Labels first_seq..last_seq of a batch, given to a producer or (processor_id
 * non-zero) to a processor. */
typedef struct {
    int64_t id;
    int64_t batch_id;
    int64_t first_seq, last_seq;
    int64_t producer_id;    /* 0 when a processor holds the range */
    int64_t processor_id;   /* 0 when a producer holds it */
    char override[DB_TEXT]; /* the reason given for going past a quota; "" none */
    int64_t at;
    char actor[DB_TEXT];
    /* filled by reads: "household", "base" or "processor", and its name */
    char holder_kind[DB_TEXT_SHORT];
    char holder_name[DB_TEXT];
} db_allocation_t;

/* Inside a change: other connections' allocations on batch_id, and on
 * producer_id's quota when not 0, wait until this change ends (row locks on
 * PostgreSQL; SQLite's change holds the database). */
db_err_t db_allocation_lock(db_t *db, int64_t batch_id, int64_t producer_id);
/* Inserts a (sets a->id) and adds its labels to the batch's count of
 * allocated labels. */
db_err_t db_allocation_insert(db_t *db, db_allocation_t *a);
db_err_t db_allocation_get(db_t *db, int64_t id, db_allocation_t *out);
/* Hands a whole range to another holder (a's producer_id or processor_id,
 * override, at, actor). */
db_err_t db_allocation_move(db_t *db, const db_allocation_t *a);
/* Gives a range back to the operator: deletes it and takes its labels off
 * the batch's count. */
db_err_t db_allocation_delete(db_t *db, const db_allocation_t *a);
/* How many allocations of batch_id overlap first..last. */
db_err_t db_allocation_overlaps(db_t *db, int64_t batch_id, int64_t first, int64_t last,
                                int64_t *n);
/* A batch's allocations in sequence order. */
typedef int (*db_allocation_fn)(const db_allocation_t *a, void *arg);
db_err_t db_allocation_list(db_t *db, int64_t batch_id, db_allocation_fn fn, void *arg);
/* Labels of a batch that lie in no allocation, counted label by label (a
 * check of batch.allocated, not derived from it). */
db_err_t db_labels_unallocated(db_t *db, int64_t batch_id, int64_t *n);

/* --- scans and reports ---------------------------------------------------------- */

typedef struct {
    int64_t at;
    const char *code; /* canonical code, or NULL when the input named no label */
    const char *raw;  /* the input when it named no label, or NULL */
    const char *verdict;
    const char *client_key;
    const char *ua_class;
    int skip_client_row; /* the code's row for this client is recent enough to leave as it
                            is (an engine that adds each scan to the clients at once) */
} db_scan_t;

/* Records scan events in one transaction of the scans file; *last_id gets
 * the id of the last one. */
db_err_t db_scans_record(db_t *db, const db_scan_t *scans, size_t n, int64_t *last_id);
/* Whether db_scans_record() adds the scans to the per-code totals and
 * clients itself, in its own transaction (PostgreSQL, where several servers
 * write: no merge is left to do and *last_id is 0), or leaves that to
 * db_scan_totals_merge() (SQLite: merged in sorted batches, much cheaper). */
int db_scans_merged_on_record(const db_t *db);

/* Per-code totals of stored scans: a code's count and first time. */
typedef struct {
    const char *code;
    int64_t count;
    int64_t first_at;
} db_scan_total_t;

/* One client's scans of a code since the last merge: first and last time. */
typedef struct {
    const char *code;
    const char *client_key;
    int64_t first_at, last_at;
} db_scan_client_t;

/* Adds counts to the totals and clients to the codes' clients (each sorted
 * by code: fewer pages touched; no code twice in totals, no pair twice in
 * clients) and notes that every scan up to through_id is counted, in one
 * transaction. */
db_err_t db_scan_totals_merge(db_t *db, const db_scan_total_t *totals, size_t n,
                              const db_scan_client_t *clients, size_t m, int64_t through_id);
/* Adds the scans stored after the last merge to the totals and the clients
 * (after a crash, when the writer could not merge what it had recorded). */
db_err_t db_scan_totals_catch_up(db_t *db);
/* How often code was scanned, and when first (0 and 0 when never), as of
 * the last merge. */
db_err_t db_scan_count(db_t *db, const char *code, int64_t *count, int64_t *first_at);
/* A code's tally as the scan writer reads it for a code it does not hold:
 * db_scan_count()'s two figures, and the clients whose last scan of the code
 * was after `after`, as of the last merge, latest first, at most limit,
 * through fn (non-zero stops it; NULL for none). */
typedef int (*db_scan_client_fn)(const char *client_key, int64_t last_at, void *arg);
typedef struct {
    int64_t after, limit; /* which clients */
    db_scan_client_fn fn;
    void *arg;
    int64_t count, first_at; /* read */
} db_scan_tally_t;
db_err_t db_scan_tally(db_t *db, const char *code, db_scan_tally_t *t);
/* db_label_find() (db/labels.c), and the code's tally when t is not NULL,
 * in the same snapshot: one statement on a connection that keeps batch views,
 * so that a code's first scan costs PostgreSQL one round trip, not two. */
db_err_t db_label_find_tallied(db_t *db, const char *code, db_label_view_t *out,
                               db_scan_tally_t *t);

typedef struct {
    int64_t id;
    int64_t at;
    char code[64];
    char text[8192];
    char contact[512]; /* 100 characters of up to 4 bytes */
    char client_key[32];
    char status[DB_TEXT_SHORT];
    char note[DB_TEXT];
    /* filled by reads, ignored by writes: the operator whose label the
     * code is (0 when it names no label) and its region */
    int64_t operator_id;
    char region_code[8];
} db_report_t;

db_err_t db_report_insert(db_t *db, db_report_t *r); /* sets r->id */
db_err_t db_report_get(db_t *db, int64_t id, db_report_t *out);
/* Lists reports, newest first, narrowed by f's operator and region (a report
 * on a code that names no label belongs to no operator: it is listed unless f
 * narrows to an operator or to a region below a province) and by status
 * ("" any). */
typedef int (*db_report_fn)(const db_report_t *r, void *arg);
db_err_t db_report_list(db_t *db, const db_filter_t *f, const char *status, db_page_t page,
                        db_report_fn fn, void *arg);
db_err_t db_report_set_status(db_t *db, int64_t id, const char *status, const char *note);

/* A secret of len bytes kept under name: the stored one, or fresh when there
 * was none (fresh is then stored). Run inside a change. */
db_err_t db_secret_get_or_add(db_t *db, const char *name, const unsigned char *fresh,
                              unsigned char *out, size_t len);

/* --- figures over scans and labels --------------------------------------------- */

/* One row of a tally: what is counted (a day, a month, a verdict, an unknown
 * input, a code) and how often; the other fields as the tally says. */
typedef struct {
    const char *key;
    int64_t count;
    int64_t first_at, last_at;
    int64_t operator_id; /* 0 when the row names no operator */
    const char *operator_name;
    const char *product_name;
    const char *verdict;
} db_tally_t;
typedef int (*db_tally_fn)(const db_tally_t *t, void *arg);

/* Each tally is narrowed to region, a GB/T 2260 prefix of the operators'
 * regions ("" or NULL: everywhere). */

/* Scans a day (key "YYYY-MM-DD", China Standard Time) since a time. */
db_err_t db_scans_per_day(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg);
/* Scans by verdict since a time. */
db_err_t db_verdict_mix(db_t *db, int64_t since, const char *region, db_tally_fn fn, void *arg);
/* Labels issued a month (key "YYYY-MM") since a time. */
db_err_t db_labels_per_month(db_t *db, int64_t since, const char *region, db_tally_fn fn,
                             void *arg);
/* Operators by the month (YYYY-MM, Beijing time) of their first batch issued
 * (issued or activated), all time: the months the mark gained its users. */
db_err_t db_first_use_per_month(db_t *db, const char *region, db_tally_fn fn, void *arg);
/* Operators using the mark on day today (YYYY-MM-DD: an approved, valid
 * authorisation with a batch issued or activated, as db_stats_t's
 * operators_using) by city (key the city's code, 4 digits and "00") or by
 * product (key the product's Chinese name), most first. */
db_err_t db_using_by_city(db_t *db, const char *today, const char *region, db_tally_fn fn,
                          void *arg);
db_err_t db_using_by_product(db_t *db, const char *today, const char *region, db_tally_fn fn,
                             void *arg);
/* Inputs that named no label (verdict UNKNOWN or MALFORMED) since a time,
 * most frequent first: key the input, first_at/last_at its first and last
 * scan. They belong to no region: listed only for a province or wider. */
db_err_t db_unknown_inputs(db_t *db, int64_t since, const char *region, db_page_t page,
                           db_tally_fn fn, void *arg);
/* Codes scanned by more than threshold distinct clients (ever), most first
 * (count the clients, first_at/last_at the first and last scan), with their
 * operator and product (key the code). */
db_err_t db_repeated_codes(db_t *db, int64_t threshold, const char *region, db_page_t page,
                           db_tally_fn fn, void *arg);
/* Scans of labels that should not be on sale (void, not activated, of a
 * suspended, revoked or expired authorisation) since a time, by operator,
 * product and verdict, most first. */
db_err_t db_suspect_scans(db_t *db, int64_t since, const char *region, db_page_t page,
                          db_tally_fn fn, void *arg);

/* --- use reports -------------------------------------------------------------------- */

/* One version of an operator's report on its use of the mark for a product
 * and a period. Versions are never changed; the decision is a row of its own. */
typedef struct {
    int64_t id;
    int64_t operator_id;
    int64_t product_id;
    char period[8];        /* "2025", "2025-H1", "2025-Q3" */
    char period_start[12]; /* first day, YYYY-MM-DD */
    char period_end[12];   /* last day */
    int64_t version;       /* 1, 2, ... */
    int64_t volume_produced;
    int64_t volume_sold;
    char volume_unit[8];     /* kg t piece box bottle L */
    int64_t sales_value_fen; /* fen: 1 yuan = 100 */
    int64_t labels_received;
    int64_t labels_used;
    int64_t labels_voided;
    char application[1024]; /* how the mark was applied */
    int64_t filed_at;
    char filed_by[DB_TEXT];
    /* filled by reads, ignored by writes */
    char status[DB_TEXT_SHORT]; /* filed accepted returned */
    char decision_reason[DB_TEXT];
    int64_t decided_at; /* 0 when undecided */
    char decided_by[DB_TEXT];
    int latest; /* the newest version of its operator, product and period */
    char operator_name[DB_TEXT];
    char operator_uscc[20];
    char operator_region[8];
    char product_name[DB_TEXT];
} db_usage_report_t;

/* What a list of use reports is narrowed to; zero or "" narrows nothing. */
typedef struct {
    int64_t operator_id; /* -1: nobody's */
    int64_t product_id;
    const char *region;       /* GB/T 2260 prefix of the operator's region */
    const char *period;       /* one period by name */
    const char *status;       /* filed accepted returned */
    const char *starts_from;  /* periods starting on or after this day */
    const char *ends_through; /* periods ending on or before this day */
    int latest_only;          /* only each report's newest version */
} db_usage_filter_t;

/* The next version number of an operator's report for product and period
 * (1 when none was filed). */
db_err_t db_usage_next_version(db_t *db, int64_t operator_id, int64_t product_id,
                               const char *period, int64_t *version);
/* Stores a new version; sets r->id. DB_EEXISTS when that version exists. */
db_err_t db_usage_insert(db_t *db, db_usage_report_t *r);
/* Records the decision on version id: "accepted" or "returned" with reason.
 * DB_EEXISTS when it was decided already. */
db_err_t db_usage_decide(db_t *db, int64_t id, const char *decision, const char *reason, int64_t at,
                         const char *actor);
db_err_t db_usage_get(db_t *db, int64_t id, db_usage_report_t *out);
/* Lists versions, newest period first, then operator, product, newest version. */
typedef int (*db_usage_fn)(const db_usage_report_t *r, void *arg);
db_err_t db_usage_list(db_t *db, const db_usage_filter_t *f, db_page_t page, db_usage_fn fn,
                       void *arg);

/* What the register itself knows of an operator's labels of a product
 * between two times [from, to): labels issued (batches issued then),
 * issued before to (ever), activated then, and scans of them then. */
typedef struct {
    int64_t issued, issued_through, activated, scanned;
} db_usage_known_t;
db_err_t db_usage_known(db_t *db, int64_t operator_id, int64_t product_id, int64_t from, int64_t to,
                        db_usage_known_t *out);

/* One authorisation as the report obligations see it. */
typedef struct {
    int64_t auth_id, operator_id, product_id;
    const char *uscc, *operator_name, *operator_region, *product_name;
    const char *valid_from, *valid_until, *status;
    int64_t approved_at;   /* 0: never approved */
    int64_t revoked_at;    /* 0: never revoked */
    int64_t last_issue_at; /* the latest batch issued before the time asked, 0: none */
} db_usage_obligation_t;
typedef int (*db_usage_obligation_fn)(const db_usage_obligation_t *o, void *arg);
/* Every authorisation of operators inside region (a prefix, "" everywhere),
 * of one operator when operator_id is not 0, by operator, product and id. */
db_err_t db_usage_obligations(db_t *db, const char *region, int64_t operator_id, int64_t before,
                              db_usage_obligation_fn fn, void *arg);

/* --- supervision: the facts of credit classes, registers, draws, inspections ---- */

/* The dated facts a credit class is derived from (gi/grade.c weighs them). */
typedef enum {
    DB_FACT_REPORT_FOUNDED,        /* consumer reports on its labels whose latest finding
                                      by `to` is 'founded', found in (from, to] */
    DB_FACT_VOID_SCANNED,          /* its voided labels scanned in (from, to], one per code */
    DB_FACT_NOT_ACTIVATED_SCANNED, /* its labels scanned before activation, one per code */
    DB_FACT_OVER_SCANNED,          /* its labels first scanned in (from, to] by more than
                                      param distinct clients (ref_id the clients) */
    DB_FACT_SUSPENDED,             /* suspensions of its authorisations in (from, to] */
    DB_FACT_IDLE,                  /* authorisations approved by `from`, in force on to_date,
                                      not revoked by `to`, without a batch issued in (from, to] */
    DB_FACT_INSPECTION,            /* inspections dated in (from_date, to_date] and recorded
                                      by `to` (ref their result, detail the transfer check) */
    DB_FACT_USAGE_LATE,            /* one year's use reports not filed by their deadline:
                                      authorisations approved by param (the year's last second),
                                      valid during the year of from_date (from its first second),
                                      not revoked before it, whose operator filed no report of a
                                      period of that year by `to` (the deadline); ref the
                                      product, detail the year, at the deadline */
    DB_FACT_USAGE_RETURNED,        /* use report versions returned by the office in (from, to]
                                      (ref the period, detail the product) */
    DB_FACT_COUNT
} db_fact_kind_t;

typedef struct {
    int64_t operator_id;   /* 0: every operator inside region */
    const char *region;    /* a GB/T 2260 prefix of operators' regions, "" everywhere */
    int64_t from, to;      /* (from, to], Unix seconds */
    const char *from_date; /* the same as YYYY-MM-DD (China Standard Time) */
    const char *to_date;
    int64_t param; /* DB_FACT_OVER_SCANNED: the distinct clients threshold */
} db_fact_query_t;

typedef struct {
    int64_t operator_id;
    int64_t ref_id;     /* the report, event, authorisation or inspection; clients */
    const char *ref;    /* a code, a reason, a product, an inspection's result */
    const char *detail; /* an inspection's transfer-or-counterfeiting check, else "" */
    int64_t at;         /* when the fact happened (0 for dated records: see ref) */
} db_fact_t;
typedef int (*db_fact_fn)(const db_fact_t *f, void *arg);
/* Hands each fact of kind that q names to fn, by operator. */
db_err_t db_facts(db_t *db, db_fact_kind_t kind, const db_fact_query_t *q, db_fact_fn fn,
                  void *arg);

db_err_t db_report_finding_insert(db_t *db, int64_t report_id, const char *outcome, int64_t at,
                                  const char *actor, const char *note, int64_t *id);

typedef struct {
    int64_t id;
    int64_t operator_id;
    char class_name[16]; /* "" withdraws an earlier import */
    char as_of[12];
    char source[DB_TEXT];
    int64_t at;
    char actor[96];
} db_grade_import_t;
db_err_t db_grade_import_insert(db_t *db, db_grade_import_t *g); /* sets g->id */
/* The import in force on date for each operator (operator_id, or every one inside
 * region when 0): the latest as_of on or before date among those stored by t. */
typedef int (*db_grade_import_fn)(const db_grade_import_t *g, void *arg);
db_err_t db_grade_imports(db_t *db, int64_t operator_id, const char *region, const char *date,
                          int64_t t, db_grade_import_fn fn, void *arg);

/* Operators inside region by id; with in_force_only, those holding an authorisation
 * approved and in force on date (the mark's users, a draw's population). */
db_err_t db_supervised_operators(db_t *db, const char *region, int in_force_only, const char *date,
                                 db_operator_fn fn, void *arg);
/* Operators inspected by office (exactly that office) with a date in [from, to]. */
typedef int (*db_id_fn)(int64_t id, void *arg);
db_err_t db_inspected_operators(db_t *db, const char *office, const char *from_date,
                                const char *to_date, db_id_fn fn, void *arg);

typedef struct {
    int64_t id;
    char checklist_key[32];
    char name[DB_TEXT];
    char legal_basis[512];
    int64_t created_at;
} db_inspection_item_t;
db_err_t db_inspection_item_insert(db_t *db, db_inspection_item_t *it); /* sets it->id */
typedef int (*db_inspection_item_fn)(const db_inspection_item_t *it, void *arg);
db_err_t db_inspection_item_list(db_t *db, db_inspection_item_fn fn, void *arg);

typedef struct {
    int64_t id;
    char name[DB_TEXT];
    char cert_no[64];
    char field[DB_TEXT];
    char region_code[8];
    int active;
    int64_t created_at;
} db_inspector_t;
db_err_t db_inspector_insert(db_t *db, db_inspector_t *in); /* sets in->id; DB_EEXISTS */
db_err_t db_inspector_get(db_t *db, int64_t id, db_inspector_t *out);
/* Inspectors whose office lies inside region (a prefix), by id. */
typedef int (*db_inspector_fn)(const db_inspector_t *in, void *arg);
db_err_t db_inspector_list(db_t *db, const char *region, db_inspector_fn fn, void *arg);
/* DB_EEXISTS when the conflict is declared already. */
db_err_t db_inspector_conflict_insert(db_t *db, int64_t inspector_id, int64_t operator_id,
                                      const char *reason, int64_t at);
/* Declared conflicts of inspectors inside region, by inspector and operator. */
typedef int (*db_conflict_fn)(int64_t inspector_id, int64_t operator_id, const char *reason,
                              void *arg);
db_err_t db_inspector_conflicts(db_t *db, const char *region, db_conflict_fn fn, void *arg);

typedef struct {
    int64_t id;
    int64_t at;
    const char *actor;
    const char *office;
    int64_t year;
    const char *plan;       /* JSON */
    const char *population; /* JSON */
    const char *seed;       /* 64 hex digits */
    const char *result;     /* JSON */
} db_draw_t;
db_err_t db_draw_insert(db_t *db, const db_draw_t *d, int64_t *id);
/* Draws of offices inside region (a prefix; a draw of office "" only for region ""
 * or a province), newest first; id non-zero: that draw only. */
typedef int (*db_draw_fn)(const db_draw_t *d, void *arg);
db_err_t db_draw_list(db_t *db, int64_t id, const char *region, db_page_t page, db_draw_fn fn,
                      void *arg);

#define DB_CHECKS 6 /* mark_uscc, scope_use, raw_material, standard, label_records, transfer */
typedef struct {
    int64_t id;
    int64_t draw_id; /* 0 when not from a draw */
    int64_t operator_id;
    int64_t product_id; /* 0 when none */
    char office[8];
    char body[DB_TEXT];
    char inspected_on[12];
    char checks[DB_CHECKS][8]; /* pass | fail | na */
    char result[16];
    char rectify_by[12];
    char note[1024];
    int64_t created_at;
    char actor[96];
    int64_t published_at; /* 0 when never */
    /* filled by reads */
    char operator_name[DB_TEXT];
    char operator_uscc[20];
    char operator_region[8];
    char product_name[DB_TEXT];
} db_inspection_t;
db_err_t db_inspection_insert(db_t *db, db_inspection_t *in); /* sets in->id */
db_err_t db_inspection_add_inspector(db_t *db, int64_t inspection_id, int64_t inspector_id);
db_err_t db_inspection_get(db_t *db, int64_t id, db_inspection_t *out);
/* Inspections of operators inside region dated in [from, to] ("" open), of one
 * operator when operator_id, by date and id. */
typedef int (*db_inspection_fn)(const db_inspection_t *in, void *arg);
db_err_t db_inspection_list(db_t *db, const char *region, int64_t operator_id,
                            const char *from_date, const char *to_date, db_page_t page,
                            db_inspection_fn fn, void *arg);
/* Notes the publication time of an inspection not published before. */
db_err_t db_inspection_set_published(db_t *db, int64_t id, int64_t at);
db_err_t db_inspection_inspectors(db_t *db, int64_t inspection_id, db_inspector_fn fn, void *arg);

typedef struct {
    int64_t id;
    int64_t inspection_id;
    char name[DB_TEXT];
    char content_type[32];
    int64_t size;
    int64_t at;
    char actor[96];
} db_evidence_t;
db_err_t db_evidence_insert(db_t *db, db_evidence_t *e, const void *data); /* sets e->id */
typedef int (*db_evidence_fn)(const db_evidence_t *e, void *arg);
db_err_t db_evidence_list(db_t *db, int64_t inspection_id, db_evidence_fn fn, void *arg);
/* Reads one file: its record and its bytes (up to cap; e->size tells the length). */
db_err_t db_evidence_get(db_t *db, int64_t id, db_evidence_t *e, void *data, size_t cap);

/* --- accounts, tokens, sessions -------------------------------------------------- */

typedef struct {
    int64_t id;
    char username[72];
    char role[DB_TEXT_SHORT]; /* regulator | auditor | operator */
    int64_t operator_id;      /* for role operator, else 0 */
    char region_scope[8];     /* GB/T 2260 prefix, "" = everywhere */
    char password_hash[160];  /* argon2id string */
    int disabled;
    int64_t created_at;
} db_account_t;

db_err_t db_account_insert(db_t *db, db_account_t *a); /* sets a->id; DB_EEXISTS on username */
db_err_t db_account_get(db_t *db, int64_t id, db_account_t *out);
/* Read as it is now, never from a held snapshot (a changed password or a
 * disabled account counts at once). */
db_err_t db_account_find(db_t *db, const char *username, db_account_t *out);
typedef int (*db_account_fn)(const db_account_t *a, void *arg); /* non-zero stops */
/* The accounts of an operator (at most 200, oldest first). */
db_err_t db_account_list_operator(db_t *db, int64_t operator_id, db_account_fn fn, void *arg);
db_err_t db_account_set_password(db_t *db, int64_t id, const char *password_hash);
db_err_t db_account_set_disabled(db_t *db, int64_t id, int disabled);

db_err_t db_token_insert(db_t *db, int64_t account_id, const unsigned char hash[DB_HASH_LEN],
                         const char *name, int64_t at, int64_t *id);
/* The account of a token that is not revoked. */
db_err_t db_token_find(db_t *db, const unsigned char hash[DB_HASH_LEN], db_account_t *out);
db_err_t db_token_revoke(db_t *db, int64_t id, int64_t at);
/* Revokes every live token of an account; *n receives how many (may be 0). */
db_err_t db_token_revoke_account(db_t *db, int64_t account_id, int64_t at, int64_t *n);

db_err_t db_session_insert(db_t *db, const unsigned char hash[DB_HASH_LEN], int64_t account_id,
                           const char *csrf, int64_t at, int64_t expires_at);
/* The account and CSRF token of a session that has not expired by now. */
db_err_t db_session_find(db_t *db, const unsigned char hash[DB_HASH_LEN], int64_t now,
                         db_account_t *out, char csrf[72]);
db_err_t db_session_delete(db_t *db, const unsigned char hash[DB_HASH_LEN]);
/* Ends every session of an account; *n receives how many (may be 0). */
db_err_t db_session_delete_account(db_t *db, int64_t account_id, int64_t *n);

/* --- copies: backup and restore -------------------------------------------------- */

/* A name beside path for a copy, or for files set aside: tag goes before a
 * ".db" ending ("gimark.db", "partial" -> "gimark.partial.db"), else after a
 * dot ("x" -> "x.partial"), so that db_scans_path() of it names its own scans
 * file. Returns -1 when it does not fit in cap. */
int db_sibling_path(const char *path, const char *tag, char *out, size_t cap);

/* Whether the database file at path, or its scans file, exists. */
int db_files_exist(const char *path);

/* Removes the database at path and its scans file, with their journals: the
 * remains of a copy that was not finished. */
void db_files_remove(const char *path);

/* Moves the database at from and its scans file (with any -wal or -journal
 * file, which belongs to its file by name) to the names of to, replacing
 * what is there, and syncs the directory. The main file moves last, so a
 * database file at to is complete with its scans file. */
db_err_t db_files_rename(const char *from, const char *to, char *errbuf, size_t errlen);

/* Copies the database of db and its scans file to new files at path and
 * db_scans_path(path), both as of one moment, with SQLite's online backup, a
 * few pages a step. Other connections go on writing meanwhile and are not
 * held up. The copies are in rollback-journal mode: each is one
 * self-contained file. Call outside a change. */
db_err_t db_copy(db_t *db, const char *path);

/* Opens a copy at path read-only, with its scans file (which must exist)
 * attached; no migration is applied. NULL with a message in errbuf when it
 * cannot be read as a database. Free with db_close(). */
db_t *db_open_copy(const char *path, char *errbuf, size_t errlen);

/* Runs SQLite's integrity check on the database and its scans file; out gets
 * "ok" or the first problems found. */
db_err_t db_integrity_check(db_t *db, char *out, size_t cap);

typedef struct {
    int64_t products, operators, batches, labels, audit_rows, scans;
} db_counts_t;

/* How many records of each kind the database holds. */
db_err_t db_counts(db_t *db, db_counts_t *out);

/* Takes the database at path (and its scans file) for this connection alone
 * and keeps it until db_close(): no other process can open it meanwhile.
 * Returns NULL with *code DB_EBUSY when another connection has it open (a
 * running server, another command), DB_ENOTFOUND when the file is not a
 * database at all (nothing can be using it), else DB_EIO. */
db_t *db_claim(const char *path, db_err_t *code, char *errbuf, size_t errlen);

/* On a claimed database: folds its write-ahead logs into the files and
 * switches them to a rollback journal, so that the files alone hold all of
 * it and a db_claim_fill() is journalled in them. */
db_err_t db_claim_settle(db_t *db);

/* On a claimed database: replaces the content of the database and of its
 * scans file with those of src (a copy opened with db_open_copy), each file
 * in one transaction: a crash halfway leaves a file as it was or as src.
 * Failures are recorded on src. */
db_err_t db_claim_fill(db_t *db, db_t *src);

/* --- moving a whole database to another engine -------------------------------- */

/* The tables of a database, in an order in which each comes after those it
 * refers to: the register's, then the scans'. */
#define DB_TABLES 33

typedef struct {
    const char *table; /* "product", ..., "scans.scan_client" */
    int64_t rows;
} db_table_rows_t;

/* How many records each table holds, in copy order. */
db_err_t db_table_counts(db_t *db, db_table_rows_t out[DB_TABLES]);

/* Called after each table copied, with its name and how many records went. */
typedef void (*db_copy_progress_fn)(const char *table, int64_t rows, void *arg);

/* Copies every record of every table of from (a SQLite database, read as of
 * one moment: other connections may go on writing to it) into to (a
 * PostgreSQL database whose tables are empty), keeping ids, in one change
 * on to: all of it is there afterwards, or nothing. Records stream through
 * (memory stays bounded whatever the size); each id sequence of to is set
 * past the highest id copied (or handed out, for the audit log). copied
 * receives the count of each table. On failure the message is on to's
 * connection (db_errmsg(to)); DB_EEXISTS when to holds records already. */
db_err_t db_copy_all(db_t *from, db_t *to, db_table_rows_t copied[DB_TABLES],
                     db_copy_progress_fn progress, void *arg);

/* Hands the codes of up to n labels picked at random to fn (non-zero stops). */
typedef int (*db_code_fn)(const char *code, void *arg);
db_err_t db_label_sample(db_t *db, int64_t n, db_code_fn fn, void *arg);

/* --- the annual supervision report ------------------------------------------------ */

/* The tallies of one year inside a region scope (db/annual.c says what each
 * row holds); figures as of the year's end, read from dated records. */
typedef enum {
    DB_ANNUAL_PRODUCTS,
    DB_ANNUAL_PAIRS,
    DB_ANNUAL_COUNTS,
    DB_ANNUAL_VERDICTS,
    DB_ANNUAL_REPORTS,
    DB_ANNUAL_MONTHS,
    DB_ANNUAL_ACTIONS,
    DB_ANNUAL_TALLIES
} db_annual_tally_t;

typedef struct {
    const char *k1, *k2, *k3;
    int64_t n[4];
} db_annual_row_t;
typedef int (*db_annual_fn)(const db_annual_row_t *r, void *arg);

/* from and to: the first moments of year and of the next (Unix seconds). */
db_err_t db_annual_tally(db_t *db, db_annual_tally_t which, int year, int64_t from, int64_t to,
                         const char *region, db_annual_fn fn, void *arg);
/* The office's text of a section (inserted or replaced), and the texts of a
 * year and scope: k1 section, k2 body, k3 who, n[0] when. */
db_err_t db_annual_text_set(db_t *db, int year, const char *scope, const char *section,
                            const char *body, int64_t at, const char *by);
db_err_t db_annual_texts(db_t *db, int year, const char *scope, db_annual_fn fn, void *arg);
/* A closed year's figures (JSON) of a scope; DB_EEXISTS when stored already.
 * The snapshot's row: k1 the JSON, k2 who closed, n[0] when. */
db_err_t db_annual_close_insert(db_t *db, int year, const char *scope, int64_t at, const char *by,
                                const char *figures);
db_err_t db_annual_snapshot(db_t *db, int year, const char *scope, db_annual_fn fn, void *arg);
db_err_t db_annual_closed(db_t *db, int year, int *closed);
/* Every region prefix an operator's seat or an account's scope has (k1). */
db_err_t db_annual_scopes(db_t *db, db_annual_fn fn, void *arg);

/* --- figures -------------------------------------------------------------- */

/* The register's figures inside region (a GB/T 2260 prefix; "" or NULL is
 * everywhere): products of the region, operators seated in it and their
 * authorisations. audit_rows counts the whole chain. today is 'YYYY-MM-DD',
 * used to tell expired authorisations apart. */
db_err_t db_stats(db_t *db, const char *today, const char *region, db_stats_t *out);

#endif
