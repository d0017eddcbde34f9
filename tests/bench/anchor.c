/*
 * anchor.c - the ceiling of our stack for `make bench`: libmicrohttpd and
 * SQLite with nothing of gimark. GET /V/{CODE} looks the code up in the label
 * table (one prepared statement per thread, on the same database) and
 * answers a one-line page, 404 when absent. The daemon as gimark serve runs
 * it (a pool of 2 threads on epoll, turbo, the same backlog), and
 * SQLite at its fastest for a file nobody writes meanwhile: opened immutable
 * (no locks, no WAL checks a query), no mutex per connection, no memory
 * statistics, the same 64 MiB page cache a thread.
 *
 * Usage: anchor DB PORT   (runs until SIGTERM or SIGINT)
 */
#include <microhttpd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Thread_local sqlite3_stmt *lookup;
static char db_uri[4200];

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    (void)cls, (void)method, (void)version, (void)data, (void)size;
    static int seen;
    if (!*state) { /* the headers: answering now would close the connection */
        *state = &seen;
        return MHD_YES;
    }
    sqlite3 *db;
    if (!lookup &&
        (sqlite3_open_v2(db_uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                         NULL) != SQLITE_OK ||
         sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, "SELECT batch_id FROM label WHERE code = ?", -1, &lookup, NULL) !=
             SQLITE_OK))
        return MHD_NO;
    char page[64] = "not found\n";
    unsigned status = MHD_HTTP_NOT_FOUND;
    if (strncmp(url, "/V/", 3) == 0) {
        sqlite3_bind_text(lookup, 1, url + 3, -1, SQLITE_STATIC);
        if (sqlite3_step(lookup) == SQLITE_ROW) {
            snprintf(page, sizeof page, "label of batch %lld\n", sqlite3_column_int64(lookup, 0));
            status = MHD_HTTP_OK;
        }
        sqlite3_reset(lookup);
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(page), page, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: anchor DB PORT\n"), 2;
    snprintf(db_uri, sizeof db_uri, "file:%s?immutable=1", argv[1]);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sigset_t set; /* blocked before the threads start, so they inherit it */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO,
        (unsigned short)atoi(argv[2]), NULL, NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, 2u,
        MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!d)
        return fprintf(stderr, "anchor: cannot listen on port %s\n", argv[2]), 1;
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
