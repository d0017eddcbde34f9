/*
 * output.h - the file formats that are not sheets: CSV and ZIP (internal
 * to labels/).
 */
#ifndef LABEL_OUTPUT_H
#define LABEL_OUTPUT_H

#include "labels/sheet.h"

label_err_t label_write_csv(const label_content_t *c, const label_item_t *items, size_t n,
                            const char *path, char *errbuf, size_t errlen);
label_err_t label_write_zip(label_sheet_t *sh, const label_layout_t *l, const label_item_t *items,
                            size_t n, const char *path, label_progress_fn progress, void *arg,
                            char *errbuf, size_t errlen);
label_err_t label_sheet_for(label_sheet_t **sh, const label_layout_t *l, const label_content_t *c,
                            const label_item_t *first, char *errbuf, size_t errlen);

#endif
