/*
 * test_sink.c - print files written to a sink: stopped when the sink says
 * so, SVG and PNG sheets a sheet at a time (more than one: a ZIP of them),
 * ZIPs readable without seeking, a PDF of more labels than pdf_part_labels
 * as a ZIP of PDF parts.
 */
#include "labels/label.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t bytes, writes, biggest;
    size_t stop_after; /* cancelled() says stop past this many bytes; 0: never */
    int asked;         /* times cancelled() was asked */
    unsigned char head[4];
    char tail[16];
} sink_t;

static int sink_write(void *arg, const unsigned char *data, size_t len)
{
    sink_t *s = arg;
    for (size_t i = 0; i < len && s->bytes + i < 4; i++)
        s->head[s->bytes + i] = data[i];
    size_t keep = len < sizeof s->tail - 1 ? len : sizeof s->tail - 1;
    memcpy(s->tail, data + len - keep, keep);
    s->tail[keep] = '\0';
    s->bytes += len;
    s->writes++;
    if (len > s->biggest)
        s->biggest = len;
    return 0;
}

static int sink_cancelled(void *arg)
{
    sink_t *s = arg;
    s->asked++;
    return s->stop_after && s->bytes > s->stop_after;
}

#define N 240 /* ten A4 sheets of 24 */

static label_item_t items[N];
static char codes[N][24], urls[N][64];
static const label_content_t content = {"百色芒果", "No. 475", "合作社", "93451003MA815908XM",
                                        "LOT-1",    NULL,      NULL};

static void make_items(void)
{
    for (unsigned i = 0; i < N; i++) {
        snprintf(codes[i], sizeof codes[i], "AAAA-BBBB-CCCC-%04u", i % 10000);
        snprintf(urls[i], sizeof urls[i], "HTTPS://GI.EXAMPLE.CN/V/AAAABBBBCCCC%04u", i % 10000);
        items[i] = (label_item_t){codes[i], urls[i], (long)i + 1};
    }
}

static label_err_t write_n(label_format_t f, size_t n, sink_t *s)
{
    label_layout_t l;
    char err[256];
    label_layout_default(&l);
    l.dpi = 72;
    label_sink_t sink = {sink_write, sink_cancelled, s};
    return label_write_to(&l, &content, items, n, f, &sink, NULL, NULL, err, sizeof err);
}

static label_err_t write_with(label_format_t f, sink_t *s)
{
    return write_n(f, N, s);
}

static void test_cancelled(void)
{
    make_items();
    label_format_t formats[] = {LABEL_FMT_PDF, LABEL_FMT_SVG, LABEL_FMT_PNG, LABEL_FMT_ZIP,
                                LABEL_FMT_CSV};
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        sink_t whole = {0}, cut = {0};
        CHECK(write_with(formats[k], &whole) == LABEL_OK);
        cut.stop_after = whole.bytes / 4;
        CHECK(write_with(formats[k], &cut) == LABEL_ECANCELLED);
        /* stopped soon after it was told: well before the whole file */
        CHECK(cut.bytes < whole.bytes * 3 / 4);
        /* asked before every label; PNG sheets (drawn on other threads)
         * before every sheet */
        CHECK(whole.asked >= (formats[k] == LABEL_FMT_PNG ? N / 24 : N));
    }
}

static void test_streamed(void)
{
    make_items();
    sink_t svg = {0}, png = {0}, zip = {0};
    CHECK(write_with(LABEL_FMT_SVG, &svg) == LABEL_OK);
    /* written sheet by sheet: no single write holds the whole drawing */
    CHECK(svg.writes > 10);
    CHECK(svg.biggest < svg.bytes / 5);
    CHECK(memcmp(svg.head, "PK\3\4", 4) == 0); /* ten sheets: one ZIP of them */
    sink_t one = {0};
    CHECK(write_n(LABEL_FMT_SVG, 24, &one) == LABEL_OK); /* one sheet: an SVG */
    CHECK(memcmp(one.head, "<?xm", 4) == 0);
    CHECK(strstr(one.tail, "</svg>") != NULL);
    CHECK(write_with(LABEL_FMT_PNG, &png) == LABEL_OK);
    CHECK(memcmp(png.head, "PK\3\4", 4) == 0); /* ten sheets: one ZIP */
    CHECK(write_with(LABEL_FMT_ZIP, &zip) == LABEL_OK);
    CHECK(memcmp(zip.head, "PK\3\4", 4) == 0);
}

/* A sink keeping every byte. */
typedef struct {
    unsigned char *data;
    size_t len, cap;
} keep_t;

static int keep_write(void *arg, const unsigned char *data, size_t len)
{
    keep_t *k = arg;
    if (k->len + len > k->cap) {
        k->cap = (k->len + len) * 2;
        k->data = realloc(k->data, k->cap);
        if (!k->data)
            return -1;
    }
    memcpy(k->data + k->len, data, len);
    k->len += len;
    return 0;
}

static unsigned le(const unsigned char *p, int bytes)
{
    unsigned v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void test_pdf_parts(void)
{
    make_items();
    label_layout_t l;
    char err[256];
    label_layout_default(&l);
    CHECK(l.pdf_part_labels == LABEL_PDF_PART_LABELS);
    /* the default, 2,500: whole sheets of 24 hold 2,496 */
    CHECK(label_pdf_parts(&l, 2500) == 1 && label_pdf_part_size(&l, 2500) == 2500);
    CHECK(label_pdf_parts(&l, 2501) == 2 && label_pdf_part_size(&l, 2501) == 2496);
    CHECK(label_pdf_parts(&l, 100000) == 41);
    l.pdf_part_labels = 5; /* less than a sheet: a sheet */
    CHECK(label_pdf_part_size(&l, N) == 24 && label_pdf_parts(&l, N) == 10);
    l.pdf_part_labels = 0; /* one PDF however large */
    CHECK(label_pdf_parts(&l, 1000000) == 1);
    l.pdf_part_labels = 100; /* whole sheets of 24: parts of 96 */
    l.dpi = 72;
    keep_t k = {0};
    label_sink_t sink = {keep_write, NULL, &k};
    CHECK(label_write_to(&l, &content, items, N, LABEL_FMT_PDF, &sink, NULL, NULL, err,
                         sizeof err) == LABEL_OK);
    /* the members front to back: stored PDFs named by their labels, in order */
    static const char *const names[] = {"labels-00001-00096.pdf", "labels-00097-00192.pdf",
                                        "labels-00193-00240.pdf"};
    size_t at = 0, members = 0;
    while (k.data && at + 30 <= k.len && memcmp(k.data + at, "PK\3\4", 4) == 0) {
        unsigned method = le(k.data + at + 8, 2), size = le(k.data + at + 18, 4);
        unsigned name_len = le(k.data + at + 26, 2), extra = le(k.data + at + 28, 2);
        const unsigned char *name = k.data + at + 30, *body = name + name_len + extra;
        CHECK(members < 3 && name_len == strlen(names[members]) &&
              memcmp(name, names[members], name_len) == 0);
        CHECK(method == 0 && size > 1000 && memcmp(body, "%PDF-", 5) == 0 &&
              memcmp(body + size - 6, "%%EOF\n", 6) == 0);
        at = (size_t)(body + size - k.data);
        members++;
    }
    CHECK(members == 3);
    CHECK(at + 4 <= k.len && memcmp(k.data + at, "PK\1\2", 4) == 0); /* then the directory */
    free(k.data);
    /* stopped in the middle: before the last part */
    sink_t whole = {0}, cut = {0};
    label_sink_t s1 = {sink_write, sink_cancelled, &whole};
    CHECK(label_write_to(&l, &content, items, N, LABEL_FMT_PDF, &s1, NULL, NULL, err, sizeof err) ==
          LABEL_OK);
    cut.stop_after = whole.bytes / 3;
    label_sink_t s2 = {sink_write, sink_cancelled, &cut};
    CHECK(label_write_to(&l, &content, items, N, LABEL_FMT_PDF, &s2, NULL, NULL, err, sizeof err) ==
          LABEL_ECANCELLED);
    CHECK(cut.bytes < whole.bytes * 3 / 4);
}

TEST_MAIN("sink", TEST(test_cancelled), TEST(test_streamed), TEST(test_pdf_parts))
