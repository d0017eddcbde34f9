/*
 * qr.c - QR symbols through libqrencode.
 *
 * QRencode_encodeString with hint QR_MODE_8 lets libqrencode split the text
 * into the cheapest segments, so an upper-case URL is encoded alphanumeric
 * and a GS1 Digital Link's lower-case "https://" takes a short byte segment.
 */
#include "labels/matrix.h"

#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static QRecLevel level_of(char ecc)
{
    switch (ecc) {
    case 'L':
        return QR_ECLEVEL_L;
    case 'Q':
        return QR_ECLEVEL_Q;
    case 'H':
        return QR_ECLEVEL_H;
    default:
        return QR_ECLEVEL_M;
    }
}

label_err_t label_qr_encode(const char *text, char ecc, label_matrix_t *m, char *errbuf,
                            size_t errlen)
{
    QRcode *qr = QRcode_encodeString(text, 0, level_of(ecc), QR_MODE_8, 1);
    if (!qr) {
        snprintf(errbuf, errlen, "cannot encode '%.60s' as QR: %s", text, strerror(errno));
        return errno == ENOMEM ? LABEL_ENOMEM : LABEL_EINVAL;
    }
    size_t n = (size_t)qr->width * (size_t)qr->width;
    m->dark = malloc(n);
    if (!m->dark) {
        QRcode_free(qr);
        snprintf(errbuf, errlen, "out of memory");
        return LABEL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        m->dark[i] = qr->data[i] & 1;
    m->width = m->height = qr->width;
    m->quiet = 4;
    m->linear = 0;
    QRcode_free(qr);
    return LABEL_OK;
}
