/*
 * accesslog.c - access lines gathered under a lock, written in chunks by a
 * writer thread.
 */
#include "web/accesslog.h"
#include "gi/gi.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 512
#define PENDING_MAX    (1 << 20) /* bytes waiting for the writer before lines are dropped */
#define FLUSH_MS       200

struct web_accesslog {
    int fd;
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stopping;
    char *pending; /* lines not yet handed to the writer */
    char *spare;   /* the writer's buffer, swapped with pending */
    size_t len;
    uint64_t dropped;
};

/* Path characters kept as they are; anything else (spaces, quotes, bytes
 * outside ASCII) becomes '?' so a line always parses as logfmt. */
static int path_char_ok(char c)
{
    return c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=';
}

static size_t put_path(char *out, size_t cap, const char *path)
{
    size_t n = 0;
    for (; path[n] && n < 200 && n + 1 < cap; n++)
        out[n] = path_char_ok(path[n]) ? path[n] : '?';
    return n;
}

size_t web_access_format(const web_access_t *a, int64_t now_ms, char *out, size_t cap)
{
    gi_tm_t tm;
    gi_tm_of(now_ms / 1000, &tm);
    int n = snprintf(out, cap,
                     "access t=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ method=%s route=%s status=%u "
                     "ms=%.3f",
                     tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second, (int)(now_ms % 1000),
                     a->method, a->route, a->status, a->seconds * 1000.0);
    size_t len = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
    if (a->path && len + 7 < cap) {
        memcpy(out + len, " path=", 6);
        len += 6;
        len += put_path(out + len, cap - len - 1, a->path);
    }
    if (a->verdict && len < cap)
        len += (size_t)snprintf(out + len, cap - len, " verdict=%s", a->verdict);
    if (a->client && len < cap)
        len += (size_t)snprintf(out + len, cap - len, " client=%s", a->client);
    if (len > cap - 2)
        len = cap - 2;
    out[len++] = '\n';
    out[len] = '\0';
    return len;
}

static int64_t wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void web_accesslog_add(web_accesslog_t *log, const web_access_t *a)
{
    char line[LINE_MAX_BYTES];
    size_t n = web_access_format(a, wall_ms(), line, sizeof line);
    pthread_mutex_lock(&log->lock);
    if (log->len + n <= PENDING_MAX) {
        memcpy(log->pending + log->len, line, n);
        log->len += n;
    } else {
        log->dropped++;
    }
    pthread_mutex_unlock(&log->lock);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* the log is gone (closed pipe, full disk): nothing to tell it */
        p += w;
        n -= (size_t)w;
    }
}

/* Swaps the pending lines with the writer's empty buffer and writes them
 * outside the lock. Called with the lock held; returns with it. */
static void hand_over(web_accesslog_t *log)
{
    char *full = log->pending;
    size_t len = log->len;
    uint64_t dropped = log->dropped;
    log->pending = log->spare;
    log->len = 0;
    log->dropped = 0;
    pthread_mutex_unlock(&log->lock);
    write_all(log->fd, full, len);
    if (dropped) {
        char note[96];
        int n = snprintf(note, sizeof note, "access-log dropped=%llu (writer behind)\n",
                         (unsigned long long)dropped);
        write_all(log->fd, note, (size_t)n);
    }
    log->spare = full;
    pthread_mutex_lock(&log->lock);
}

static void *writer_main(void *arg)
{
    web_accesslog_t *log = arg;
    pthread_mutex_lock(&log->lock);
    for (;;) {
        if (log->len || log->dropped)
            hand_over(log);
        if (log->stopping)
            break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += FLUSH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&log->wake, &log->lock, &until);
    }
    pthread_mutex_unlock(&log->lock);
    return NULL;
}

web_accesslog_t *web_accesslog_start(int fd)
{
    web_accesslog_t *log = calloc(1, sizeof *log);
    if (!log || !(log->pending = malloc(PENDING_MAX)) || !(log->spare = malloc(PENDING_MAX))) {
        if (log)
            free(log->pending);
        free(log);
        return NULL;
    }
    log->fd = fd;
    pthread_mutex_init(&log->lock, NULL);
    pthread_cond_init(&log->wake, NULL);
    if (pthread_create(&log->writer, NULL, writer_main, log) != 0) {
        pthread_cond_destroy(&log->wake);
        pthread_mutex_destroy(&log->lock);
        free(log->pending);
        free(log->spare);
        free(log);
        return NULL;
    }
    return log;
}

void web_accesslog_stop(web_accesslog_t *log)
{
    if (!log)
        return;
    pthread_mutex_lock(&log->lock);
    log->stopping = 1;
    pthread_cond_signal(&log->wake);
    pthread_mutex_unlock(&log->lock);
    pthread_join(log->writer, NULL);
    pthread_cond_destroy(&log->wake);
    pthread_mutex_destroy(&log->lock);
    free(log->pending);
    free(log->spare);
    free(log);
}
