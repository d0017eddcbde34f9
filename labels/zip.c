/*
 * zip.c - ZIP archives written front to back (no seeking, so they can be
 * streamed to a client): every member is drawn into memory first, so its
 * CRC and sizes are known before its local header is written. The directory
 * (about 100 bytes a member) is kept until the end; ZIP64 records are added
 * when the archive needs them (more than 65,535 members, or past 4 GiB).
 * The per-label files are drawn by labels/raster.c (PNG) and labels/svg.c.
 */
#include "labels/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZIP_U16_MAX 0xffffu
#define ZIP_U32_MAX 0xffffffffu

struct label_zip {
    label_out_t *out;
    uint64_t offset;   /* bytes written so far */
    label_membuf_t cd; /* the central directory, built as members are added */
    uint64_t members;
};

cairo_status_t label_membuf_append(void *closure, const unsigned char *data, unsigned int length)
{
    label_membuf_t *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16384;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static int put(label_membuf_t *b, const void *data, size_t len)
{
    return label_membuf_append(b, data, (unsigned)len) == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

static void le16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)((v >> (8 * i)) & 0xff);
}

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)((v >> (8 * i)) & 0xff);
}

label_zip_t *label_zip_new(label_out_t *o)
{
    label_zip_t *z = calloc(1, sizeof *z);
    if (z)
        z->out = o;
    return z;
}

void label_zip_free(label_zip_t *z)
{
    if (!z)
        return;
    free(z->cd.data);
    free(z);
}

static int zip_write(label_zip_t *z, const void *data, size_t len)
{
    if (label_out_write(z->out, data, len) != 0)
        return -1;
    z->offset += len;
    return 0;
}

/* Raw deflate of data into *out (malloc'd); -1 when out of memory. */
static int deflate_all(const unsigned char *data, size_t len, unsigned char **out, size_t *out_len)
{
    z_stream zs = {0};
    /* the fastest level: an SVG member repeats its label's shared parts, and level 6
     * took twice as long for a fifth fewer bytes */
    if (deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong cap = deflateBound(&zs, (uLong)len);
    unsigned char *buf = malloc(cap);
    if (!buf) {
        deflateEnd(&zs);
        return -1;
    }
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

label_err_t label_zip_add(label_zip_t *z, const char *name, const unsigned char *data, size_t len,
                          int deflate, char *errbuf, size_t errlen)
{
    size_t name_len = strlen(name);
    unsigned char *packed = NULL;
    size_t packed_len = len;
    if (len > ZIP_U32_MAX / 2 || name_len > 1024) {
        snprintf(errbuf, errlen, "ZIP member %s is too large", name);
        return LABEL_EINVAL;
    }
    if (deflate && deflate_all(data, len, &packed, &packed_len) != 0) {
        snprintf(errbuf, errlen, "out of memory compressing %s", name);
        return LABEL_ENOMEM;
    }
    uint32_t crc = (uint32_t)crc32(0L, data, (uInt)len);
    label_err_t rc = label_zip_add_packed(z, name, packed ? packed : data, packed_len, len, crc,
                                          deflate, errbuf, errlen);
    free(packed);
    return rc;
}

label_err_t label_zip_add_packed(label_zip_t *z, const char *name, const unsigned char *data,
                                 size_t packed_len, size_t len, uint32_t crc, int deflated,
                                 char *errbuf, size_t errlen)
{
    size_t name_len = strlen(name);
    if (len > ZIP_U32_MAX / 2 || packed_len > ZIP_U32_MAX / 2 || name_len > 1024) {
        snprintf(errbuf, errlen, "ZIP member %s is too large", name);
        return LABEL_EINVAL;
    }
    uint64_t at = z->offset;
    unsigned method = deflated ? 8 : 0;
    unsigned char lh[30];
    le32(lh, 0x04034b50);
    le16(lh + 4, 20);     /* version needed */
    le16(lh + 6, 0x0800); /* names in UTF-8 */
    le16(lh + 8, method);
    le16(lh + 10, 0);    /* time */
    le16(lh + 12, 0x21); /* 1980-01-01 */
    le32(lh + 14, crc);
    le32(lh + 18, (uint32_t)packed_len);
    le32(lh + 22, (uint32_t)len);
    le16(lh + 26, (unsigned)name_len);
    le16(lh + 28, 0);
    int failed = zip_write(z, lh, sizeof lh) || zip_write(z, name, name_len) ||
                 zip_write(z, data, packed_len);
    if (failed)
        return label_out_failed(z->out, errbuf, errlen);
    /* its directory entry; a ZIP64 extra field holds an offset past 4 GiB */
    int far = at >= ZIP_U32_MAX;
    unsigned char ch[46], extra[12];
    le32(ch, 0x02014b50);
    le16(ch + 4, 0x0300 | 45); /* made by: Unix, 4.5 */
    le16(ch + 6, far ? 45 : 20);
    le16(ch + 8, 0x0800);
    le16(ch + 10, method);
    le16(ch + 12, 0);
    le16(ch + 14, 0x21);
    le32(ch + 16, crc);
    le32(ch + 20, (uint32_t)packed_len);
    le32(ch + 24, (uint32_t)len);
    le16(ch + 28, (unsigned)name_len);
    le16(ch + 30, far ? sizeof extra : 0);
    le16(ch + 32, 0);
    le16(ch + 34, 0);
    le16(ch + 36, 0);
    le32(ch + 38, (uint32_t)0100600 << 16); /* a regular file, 0600 */
    le32(ch + 42, far ? ZIP_U32_MAX : (uint32_t)at);
    le16(extra, 1);
    le16(extra + 2, 8);
    le64(extra + 4, at);
    if (put(&z->cd, ch, sizeof ch) || put(&z->cd, name, name_len) ||
        (far && put(&z->cd, extra, sizeof extra))) {
        snprintf(errbuf, errlen, "out of memory for the ZIP directory");
        return LABEL_ENOMEM;
    }
    z->members++;
    return LABEL_OK;
}

label_err_t label_zip_finish(label_zip_t *z, char *errbuf, size_t errlen)
{
    if (!z)
        return LABEL_OK;
    uint64_t cd_at = z->offset, cd_len = z->cd.len;
    int failed = zip_write(z, z->cd.data ? z->cd.data : (unsigned char *)"", z->cd.len);
    int zip64 = z->members >= ZIP_U16_MAX || cd_at >= ZIP_U32_MAX || cd_len >= ZIP_U32_MAX;
    if (!failed && zip64) {
        unsigned char rec[56], loc[20];
        uint64_t rec_at = z->offset;
        le32(rec, 0x06064b50);
        le64(rec + 4, sizeof rec - 12);
        le16(rec + 12, 0x0300 | 45);
        le16(rec + 14, 45);
        le32(rec + 16, 0);
        le32(rec + 20, 0);
        le64(rec + 24, z->members);
        le64(rec + 32, z->members);
        le64(rec + 40, cd_len);
        le64(rec + 48, cd_at);
        le32(loc, 0x07064b50);
        le32(loc + 4, 0);
        le64(loc + 8, rec_at);
        le32(loc + 16, 1);
        failed = zip_write(z, rec, sizeof rec) || zip_write(z, loc, sizeof loc);
    }
    if (!failed) {
        unsigned char end[22];
        unsigned count = zip64 ? ZIP_U16_MAX : (unsigned)z->members;
        le32(end, 0x06054b50);
        le16(end + 4, 0);
        le16(end + 6, 0);
        le16(end + 8, count);
        le16(end + 10, count);
        le32(end + 12, zip64 ? ZIP_U32_MAX : (uint32_t)cd_len);
        le32(end + 16, zip64 ? ZIP_U32_MAX : (uint32_t)cd_at);
        le16(end + 20, 0);
        failed = zip_write(z, end, sizeof end);
    }
    label_out_t *o = z->out;
    label_zip_free(z);
    return failed ? label_out_failed(o, errbuf, errlen) : LABEL_OK;
}
