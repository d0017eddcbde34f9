/*
 * anchor.c - the ceiling of our stack for `make bench`: libmicrohttpd and
 * SQLite with nothing of gimark. GET /V/{CODE} looks the code up in the label
 * table (one prepared statement per thread, on the same database) and
 * answers a one-line page, 404 when absent. Same threads as gimark serve.
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
static const char *db_path;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    (void)cls, (void)method, (void)version, (void)data, (void)size, (void)state;
    sqlite3 *db;
    if (!lookup && (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
                    sqlite3_prepare_v2(db, "SELECT batch_id FROM label WHERE code = ?", -1,
                                       &lookup, NULL) != SQLITE_OK))
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
    db_path = argv[1];
    sigset_t set; /* blocked before the threads start, so they inherit it */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (unsigned short)atoi(argv[2]), NULL,
        NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_END);
    if (!d)
        return fprintf(stderr, "anchor: cannot listen on port %s\n", argv[2]), 1;
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
