/*
 * barcode.c - DataMatrix, Han Xin and Code128 through libzint, read back as
 * a module grid (zint's encoded_data bit rows) so that every symbology is
 * drawn by the same sheet code. Quiet zones follow each symbology's
 * standard: DataMatrix 1 module, Han Xin 3, Code128 10.
 */
#include "labels/matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>

static int zint_symbology(label_symbology_t sym, int *quiet)
{
    switch (sym) {
    case LABEL_SYM_DATAMATRIX:
        *quiet = 1;
        return BARCODE_DATAMATRIX;
    case LABEL_SYM_HANXIN:
        *quiet = 3;
        return BARCODE_HANXIN;
    case LABEL_SYM_CODE128:
        *quiet = 10;
        return BARCODE_CODE128;
    case LABEL_SYM_QR:
        break;
    }
    *quiet = 4;
    return BARCODE_QRCODE;
}

static int module_set(const struct zint_symbol *s, int row, int col)
{
    return (s->encoded_data[row][col >> 3] >> (col & 7)) & 1;
}

label_err_t label_zint_encode(label_symbology_t sym, const char *text, label_matrix_t *m,
                              char *errbuf, size_t errlen)
{
    label_err_t rc = LABEL_OK;
    struct zint_symbol *s = ZBarcode_Create();
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    s->symbology = zint_symbology(sym, &m->quiet);
    s->input_mode = DATA_MODE;
    if (ZBarcode_Encode(s, (const unsigned char *)text, (int)strlen(text)) >= ZINT_ERROR) {
        snprintf(errbuf, errlen, "cannot encode '%.60s': %s", text, s->errtxt);
        rc = LABEL_EINVAL;
        goto out;
    }
    m->width = s->width;
    m->height = s->rows;
    m->linear = sym == LABEL_SYM_CODE128;
    m->dark = malloc((size_t)m->width * (size_t)m->height);
    if (!m->dark) {
        snprintf(errbuf, errlen, "out of memory");
        rc = LABEL_ENOMEM;
        goto out;
    }
    for (int r = 0; r < m->height; r++)
        for (int c = 0; c < m->width; c++)
            m->dark[(size_t)r * (size_t)m->width + (size_t)c] = (unsigned char)module_set(s, r, c);
out:
    ZBarcode_Delete(s);
    return rc;
}

label_err_t label_matrix_encode(label_symbology_t sym, char ecc, const char *text,
                                label_matrix_t *m, char *errbuf, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (sym == LABEL_SYM_QR)
        return label_qr_encode(text, ecc, m, errbuf, errlen);
    return label_zint_encode(sym, text, m, errbuf, errlen);
}

void label_matrix_free(label_matrix_t *m)
{
    free(m->dark);
    m->dark = NULL;
}
