/*
 * pg.c - the PostgreSQL engine (not yet written): names the engine so that a
 * server target is refused with a clear message.
 */
#include "db/engine.h"

#include <stdio.h>

db_t *db_pg_open(const char *conninfo, char *errbuf, size_t errlen)
{
    (void)conninfo;
    snprintf(errbuf, errlen, "this gimark has no PostgreSQL engine yet");
    return NULL;
}
