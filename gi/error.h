/*
 * error.h - the error codes and message buffer shared by every gi_ function.
 *
 * A gi_ function returns a gi_err_t and, when there is more to say, writes one
 * human sentence into the caller's gi_error_t. The CLI maps codes to exit
 * statuses (gi_exit_status) and the web layer maps them to HTTP statuses.
 */
#ifndef GI_ERROR_H
#define GI_ERROR_H

typedef enum {
    GI_OK = 0,
    GI_EINVAL,     /* the input is not well formed */
    GI_ENOTFOUND,  /* no such record */
    GI_EEXISTS,    /* a record with that key is already there */
    GI_EREFUSED,   /* well-formed, but the rules forbid it */
    GI_EFORBIDDEN, /* the account's role may not do it (gi/access) */
    GI_EIO,        /* database, file or system failure */
    GI_ENOMEM,
} gi_err_t;

typedef struct {
    char msg[512];
} gi_error_t;

/* Records a formatted message in e (which may be NULL) and returns code. */
gi_err_t gi_fail(gi_error_t *e, gi_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Exit status for the CLI: 0 ok, 1 usage/input, 2 rule refused, 3 I/O. */
int gi_exit_status(gi_err_t code);

/* Short stable name of a code ("EINVAL" ...), for JSON errors and logs. */
const char *gi_err_name(gi_err_t code);

#endif
