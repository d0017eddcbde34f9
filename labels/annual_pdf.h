/*
 * annual_pdf.h - the annual supervision report drawn as a PDF: A4 portrait,
 * Noto Sans CJK embedded (cairo embeds the subset it uses), each section's
 * tables, its chart as bars with their values, its text, and page numbers.
 *
 * It knows no database: it draws the report's JSON (gi/annual.h says its
 * shape) and nothing else, so every figure printed is the JSON's.
 * Thread-safety: may run in several threads at once.
 */
#ifndef LABEL_ANNUAL_PDF_H
#define LABEL_ANNUAL_PDF_H

#include <jansson.h>
#include <stddef.h>

/* Hands the PDF to write (return 0 on success) in pieces; 0, or -1 when
 * drawing or writing failed. */
typedef int (*annual_pdf_write_fn)(void *arg, const unsigned char *p, size_t n);
int annual_pdf_write(const json_t *report, annual_pdf_write_fn write, void *arg);

#endif
