/*
 * loginlimit.h - who may try a password now, and how many password checks
 * run at once. The sign-in page (web/portal.c) asks before it checks a
 * password and reports how the check went.
 *
 * Three kinds of token bucket (web/ratelimit.h), none of which an attacker
 * can turn against an account's owner:
 * - per client (the keyed client hash; IPv6 grouped by /64, web/client.h):
 *   every try takes a token (10 at once, 30 an hour); a right password gives
 *   it back, so only failures and refusals count;
 * - per account name, keyed with the server's secret (BLAKE2b of the name,
 *   never the name itself): each wrong password on the name takes a token
 *   (5 at once, 20 an hour). While it is empty the name is under attack;
 * - per (name, client) pair, keyed likewise: each wrong password of that
 *   client on that name takes a token (3 at once, 4 an hour); a right one
 *   clears the pair.
 * A client is refused a try on a name (429) when its pair is empty, or
 * while the name is under attack and the client has failed on it at all
 * (its pair is not full). A client that has not failed on the name always
 * gets its password checked: other clients' wrong guesses never refuse the
 * owner's right password. What an attacker gets on one name: from one
 * client 3 guesses, then one each 15 minutes; from many clients, once the
 * name is under attack, one guess per client per 15 minutes (a client must
 * wait until its pair is full again) -- bounded by the clients it holds
 * (/64s for IPv6), by each client's 10 + 30 an hour over all names, and by
 * the hash cap below; never unlimited.
 *
 * The name and pair tables keep every penalty (web_ratelimit_keep_penalties):
 * a flood of other names or clients cannot evict one. Each table has 65,536
 * slots (about 3 MB); filling one with penalties takes tens of thousands of
 * wrong passwords within the hour, so thousands of failing clients. If that
 * happens, a new name shares one overflow bucket with the other names that
 * found no room (they count as under attack together: stricter), while a
 * new (name, client) pair is not tracked, so it counts as a client that has
 * not failed there: the owner is still let through, and an attacker's
 * untracked pairs are held only by each client's 10 + 30 an hour and the
 * hash cap. The client table gives way as reports' does (the bucket idle
 * longest), so a flood of addresses never refuses a new client.
 *
 * The hash cap: at most max_hashes argon2id checks at once (each takes
 * 64 MiB and 0.1-0.4 s of a core). Beyond it web_loginlimit_hash_begin says
 * no and the page answers 503 with Retry-After, without hashing; the worker
 * threads the cap leaves free keep serving verifications.
 *
 * Thread-safety: every function may be called from any thread.
 */
#ifndef WEB_LOGINLIMIT_H
#define WEB_LOGINLIMIT_H

#include <stdint.h>

typedef struct web_loginlimit web_loginlimit_t;

typedef enum {
    WEB_LOGIN_RIGHT,     /* the password was right */
    WEB_LOGIN_WRONG,     /* checked and refused */
    WEB_LOGIN_NOT_TRIED, /* admitted, but no password was checked (hash cap) */
} web_login_outcome_t;

/* secret keys the name and pair hashes (copied); max_hashes >= 1. NULL when
 * out of memory. */
web_loginlimit_t *web_loginlimit_new(const unsigned char secret[32], unsigned max_hashes);
void web_loginlimit_free(web_loginlimit_t *l);

/* May client (its key) try a password on name at now_ms (a monotonic clock,
 * milliseconds)? 0: yes, and the try is counted until
 * web_loginlimit_outcome says how it went; else the seconds to wait (429). */
int64_t web_loginlimit_admit(web_loginlimit_t *l, const char *client, const char *name,
                             int64_t now_ms);
/* How an admitted try went. */
void web_loginlimit_outcome(web_loginlimit_t *l, const char *client, const char *name,
                            int64_t now_ms, web_login_outcome_t outcome);

/* Takes one of the max_hashes slots: 1 when taken (end it with
 * web_loginlimit_hash_end), 0 when all are in use. */
int web_loginlimit_hash_begin(web_loginlimit_t *l);
void web_loginlimit_hash_end(web_loginlimit_t *l);
/* Checks running now (for tests and metrics). */
unsigned web_loginlimit_hashing(web_loginlimit_t *l);

#endif
