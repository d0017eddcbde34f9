/*
 * csv.h - one CSV cell as every CSV gimark writes it: the print files' CSV
 * (labels/csv.c) and the desk's lists and audit log (web/portal_admin.c).
 * It lives in labels/, which depends on nothing of ours, so that both use
 * the one function without web/ and labels/ depending on each other.
 * Pure; thread-safe.
 */
#ifndef LABEL_CSV_H
#define LABEL_CSV_H

#include <stddef.h>

/* Where a cell goes: called with consecutive pieces of it. */
typedef void (*label_csv_put_fn)(void *arg, const char *p, size_t n);

/* Writes s (NULL as "") as one RFC 4180 cell through put, neutralised as
 * OWASP advises against CSV (formula) injection: a cell that starts with
 * = + - @ TAB, CR or LF is written with a single quote in front, so a
 * spreadsheet shows it as text and never runs it. Plain decimal numbers
 * ("-12", "+3.5") stay as they are: a spreadsheet reads them as numbers,
 * never as formulas. A cell is quoted (quotes doubled) when it holds a
 * separator of any spreadsheet locale (, ; TAB), a quote or a line break,
 * or when it was neutralised. */
void label_csv_cell(const char *s, label_csv_put_fn put, void *arg);

/* True when label_csv_cell puts a quote in front of s. */
int label_csv_guarded(const char *s);

#endif
