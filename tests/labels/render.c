/*
 * render.c - a small driver around label_write() for the round-trip test
 * (tests/labels/roundtrip.sh) and for timing large sheets.
 *
 *     label_render [OPTIONS] < ITEMS      write ITEMS ("code<TAB>url" lines)
 *     label_render sample PNG DPI X Y MODULE COLS ROWS
 *
 * Options: -f pdf|svg|png|csv|zip  -o PATH  -s qr|datamatrix|hanxin|code128
 *   --page WxH --label WxH --margin MM --gap MM --grid CxR --module MM
 *   --ecc L|M|Q|H --dpi N --crop --vector --zip-member png|svg --mark FILE
 *   --lot TEXT --positions (print, per item, "url page x y w h module" of the
 *   symbol itself, quiet zone excluded, in mm from the page's top-left corner,
 *   instead of writing) --time (print the seconds label_write took on stderr).
 *
 * sample reads a PNG back: it prints the COLS x ROWS modules found at the
 * centres of a grid starting at (X, Y) mm, in the hexadecimal row format of
 * `zint --dump`, so that a symbol no open decoder reads (Han Xin) can be
 * compared with what the zint command line encodes.
 */
#include "labels/label.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_LINE 1024

typedef struct {
    label_layout_t layout;
    label_content_t content;
    label_format_t format;
    const char *out;
    int positions, timing;
} options_t;

typedef struct {
    label_item_t *items;
    char **lines;
    size_t n, cap;
} input_t;

static int usage(void)
{
    fprintf(stderr, "usage: label_render [-f FMT] [-o PATH] [-s SYM] [options] < ITEMS\n"
                    "       label_render sample PNG DPI X Y MODULE COLS ROWS\n");
    return 1;
}

static int pick(const char *v, const char *const *names, int *out)
{
    for (int i = 0; names[i]; i++) {
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

static int pair(const char *v, double *a, double *b)
{
    return sscanf(v, "%lfx%lf", a, b) == 2 ? 0 : -1;
}

/* Applies one option taking a value; -1 when unknown or malformed. */
static int option_value(options_t *o, const char *name, const char *v)
{
    static const char *const fmts[] = {"pdf", "svg", "png", "csv", "zip", NULL};
    static const char *const syms[] = {"qr", "datamatrix", "hanxin", "code128", NULL};
    label_layout_t *l = &o->layout;
    int i;
    double c, r;
    if (strcmp(name, "-f") == 0)
        return pick(v, fmts, &i) == 0 ? (o->format = (label_format_t)i, 0) : -1;
    if (strcmp(name, "-s") == 0)
        return pick(v, syms, &i) == 0 ? (l->symbology = (label_symbology_t)i, 0) : -1;
    if (strcmp(name, "-o") == 0)
        return o->out = v, 0;
    if (strcmp(name, "--page") == 0)
        return pair(v, &l->page_w_mm, &l->page_h_mm);
    if (strcmp(name, "--label") == 0)
        return pair(v, &l->label_w_mm, &l->label_h_mm);
    if (strcmp(name, "--grid") == 0)
        return pair(v, &c, &r) == 0 ? (l->cols = (int)c, l->rows = (int)r, 0) : -1;
    if (strcmp(name, "--margin") == 0)
        return l->margin_mm = atof(v), 0;
    if (strcmp(name, "--gap") == 0)
        return l->gap_mm = atof(v), 0;
    if (strcmp(name, "--module") == 0)
        return l->module_mm = atof(v), 0;
    if (strcmp(name, "--ecc") == 0)
        return l->ecc = v[0], 0;
    if (strcmp(name, "--dpi") == 0)
        return l->dpi = atoi(v), 0;
    if (strcmp(name, "--zip-member") == 0)
        return l->zip_member_format = strcmp(v, "svg") == 0 ? LABEL_FMT_SVG : LABEL_FMT_PNG, 0;
    if (strcmp(name, "--mark") == 0)
        return o->content.mark_path = v, 0;
    if (strcmp(name, "--lot") == 0)
        return o->content.lot = v, 0;
    return -1;
}

static int parse_options(options_t *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--crop") == 0)
            o->layout.crop_marks = 1;
        else if (strcmp(argv[i], "--vector") == 0)
            o->layout.vector_paths = 1;
        else if (strcmp(argv[i], "--positions") == 0)
            o->positions = 1;
        else if (strcmp(argv[i], "--time") == 0)
            o->timing = 1;
        else if (i + 1 >= argc || option_value(o, argv[i], argv[i + 1]) != 0)
            return -1;
        else
            i++;
    }
    return o->out || o->positions ? 0 : -1;
}

static void input_free(input_t *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->lines[i]);
    free(in->lines);
    free(in->items);
}

/* Reads "code<TAB>url" lines; the items point into the kept lines. */
static int read_items(input_t *in)
{
    char buf[MAX_LINE];
    while (fgets(buf, sizeof buf, stdin)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        char *tab = strchr(buf, '\t');
        if (!tab)
            continue;
        if (in->n == in->cap) {
            size_t cap = in->cap ? in->cap * 2 : 256;
            label_item_t *items = realloc(in->items, cap * sizeof *items);
            if (items)
                in->items = items;
            char **lines = realloc(in->lines, cap * sizeof *lines);
            if (lines)
                in->lines = lines;
            if (!items || !lines)
                return -1;
            in->cap = cap;
        }
        char *line = strdup(buf);
        if (!line)
            return -1;
        line[tab - buf] = '\0';
        in->lines[in->n] = line;
        in->items[in->n] = (label_item_t){line, line + (tab - buf) + 1, (long)in->n + 1};
        in->n++;
    }
    return 0;
}

static int print_positions(const label_layout_t *l, const input_t *in)
{
    for (size_t i = 0; i < in->n; i++) {
        label_symbol_geom_t g;
        char err[256];
        if (label_symbol_geom(l, &in->items[i], &g, err, sizeof err) != LABEL_OK) {
            fprintf(stderr, "label_render: %s\n", err);
            return 2;
        }
        int page;
        double x, y;
        label_position_mm(l, i, &page, &x, &y);
        printf("%s %d %.3f %.3f %.3f %.3f %.3f\n", in->items[i].url, page + 1, x + g.sym_x_mm,
               y + g.sym_y_mm, g.sym_w_mm, g.sym_h_mm, g.module_mm);
    }
    return 0;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int render(int argc, char **argv)
{
    options_t o = {.format = LABEL_FMT_PDF};
    label_layout_default(&o.layout);
    o.content = (label_content_t){"百色芒果",
                                  "质检总局2011年第178号",
                                  "田阳县绿源芒果专业合作社",
                                  "93451021MA5KX0TY3U",
                                  "TY-2024-07",
                                  NULL,
                                  NULL};
    if (parse_options(&o, argc, argv) != 0)
        return usage();
    input_t in = {0};
    int status = 0;
    if (read_items(&in) != 0) {
        fprintf(stderr, "label_render: out of memory\n");
        status = 2;
        goto out;
    }
    if (o.positions) {
        status = print_positions(&o.layout, &in);
        goto out;
    }
    char err[512];
    struct rusage ru0;
    getrusage(RUSAGE_SELF, &ru0);
    double cpu0 = (double)ru0.ru_utime.tv_sec + (double)ru0.ru_utime.tv_usec / 1e6 +
                  (double)ru0.ru_stime.tv_sec + (double)ru0.ru_stime.tv_usec / 1e6;
    double t0 = seconds();
    label_err_t rc = label_write(&o.layout, &o.content, in.items, in.n, o.format, o.out, NULL, NULL,
                                 err, sizeof err);
    if (rc != LABEL_OK) {
        fprintf(stderr, "label_render: %s\n", err);
        status = 2;
        goto out;
    }
    if (o.timing) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru); /* every thread's */
        double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
        fprintf(stderr, "%zu labels in %.3f s (CPU %.3f s)\n", in.n, seconds() - t0, cpu - cpu0);
    }
out:
    input_free(&in);
    return status;
}

/* Prints one row of modules the way `zint --dump` does: hexadecimal, four
 * modules a digit, most significant first, a space after every two digits. */
static void dump_row(const unsigned char *dark, int cols)
{
    for (int c = 0; c < cols; c += 4) {
        int nibble = 0;
        for (int k = 0; k < 4; k++)
            nibble = nibble << 1 | (c + k < cols && dark[c + k]);
        printf("%X", nibble);
        if (c % 8 == 4 && c + 4 < cols)
            putchar(' ');
    }
    putchar('\n');
}

static int sample(int argc, char **argv)
{
    if (argc != 9)
        return usage();
    cairo_surface_t *img = cairo_image_surface_create_from_png(argv[2]);
    int status = 0;
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "label_render: cannot read %s\n", argv[2]);
        status = 2;
        goto out;
    }
    cairo_surface_flush(img);
    double px = atof(argv[3]) / 25.4, x0 = atof(argv[4]), y0 = atof(argv[5]);
    double mod = atof(argv[6]);
    int cols = atoi(argv[7]), rows = atoi(argv[8]);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    unsigned char dark[512];
    if (cairo_image_surface_get_format(img) != CAIRO_FORMAT_RGB24 &&
        cairo_image_surface_get_format(img) != CAIRO_FORMAT_ARGB32) {
        fprintf(stderr, "label_render: %s is not an RGB PNG\n", argv[2]);
        status = 2;
        goto out;
    }
    int alpha = cairo_image_surface_get_format(img) == CAIRO_FORMAT_ARGB32;
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols && c < (int)sizeof dark; c++) {
            int x = (int)((x0 + (c + 0.5) * mod) * px), y = (int)((y0 + (r + 0.5) * mod) * px);
            unsigned int pixel = 0xffffff;
            if (x >= 0 && y >= 0 && x < w && y < h)
                memcpy(&pixel, data + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            /* blue channel (the symbol is black); a transparent pixel is paper */
            dark[c] = (pixel & 0xff) < 128 && (pixel >> 24 >= 128 || !alpha);
        }
        dump_row(dark, cols < (int)sizeof dark ? cols : (int)sizeof dark);
    }
out:
    cairo_surface_destroy(img);
    return status;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "sample") == 0)
        return sample(argc, argv);
    return render(argc, argv);
}
