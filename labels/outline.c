/*
 * outline.c - a symbol's dark modules as a vector path: the outline of each
 * connected dark area, traced along module edges.
 *
 * Print houses whose preflight wants paths get one closed polygon per dark
 * area rather than a rectangle per module or per run: a fraction of the path
 * operators (and of the time cairo spends printing and compressing them),
 * exact module edges, and no seams where rectangles would meet (a rasteriser
 * that antialiases each rectangle on its own leaves a faint light line there).
 *
 * Each dark module contributes the sides it shares with a light module (or
 * the symbol's edge), directed clockwise on screen, so every outline keeps
 * the dark on the same side: holes wind the other way and the nonzero rule
 * fills exactly the dark modules, however the walk pairs edges at the corners
 * where two dark modules touch diagonally.
 */
#include "labels/sheet.h"

#include <stdlib.h>

enum { RIGHT = 1, DOWN = 2, LEFT = 4, UP = 8 };

static int dark_at(const label_matrix_t *m, int c, int r)
{
    return c >= 0 && r >= 0 && c < m->width && r < m->height &&
           m->dark[(size_t)r * (size_t)m->width + (size_t)c];
}

/* out[v] for grid vertex v = r * (width + 1) + c: the directions of the
 * untraced outline edges leaving it. */
static void collect_edges(const label_matrix_t *m, unsigned char *out)
{
    size_t stride = (size_t)m->width + 1;
    for (int r = 0; r < m->height; r++) {
        for (int c = 0; c < m->width; c++) {
            if (!dark_at(m, c, r))
                continue;
            size_t v = (size_t)r * stride + (size_t)c;
            if (!dark_at(m, c, r - 1))
                out[v] |= RIGHT;
            if (!dark_at(m, c + 1, r))
                out[v + 1] |= DOWN;
            if (!dark_at(m, c, r + 1))
                out[v + stride + 1] |= LEFT;
            if (!dark_at(m, c - 1, r))
                out[v + stride] |= UP;
        }
    }
}

/* Follows edges from vertex (c, r) until back where it started, adding a
 * line at every turn. */
static void trace(cairo_t *cr, unsigned char *edges, int width, int c, int r, double x, double y,
                  double mod, double row_h)
{
    size_t stride = (size_t)width + 1;
    int dir = 0;
    cairo_move_to(cr, x + c * mod, y + r * row_h);
    for (;;) {
        unsigned char *here = &edges[(size_t)r * stride + (size_t)c];
        if (!*here)
            break;
        int next = *here & dir ? dir : *here & -*here; /* straight on if possible */
        if (next != dir && dir)
            cairo_line_to(cr, x + c * mod, y + r * row_h);
        *here &= (unsigned char)~next;
        dir = next;
        c += dir == RIGHT ? 1 : dir == LEFT ? -1 : 0;
        r += dir == DOWN ? 1 : dir == UP ? -1 : 0;
    }
    cairo_close_path(cr);
}

/* Without memory for the edge table: a rectangle per run of dark modules. */
static void add_runs(cairo_t *cr, const label_matrix_t *m, double x, double y, double mod,
                     double row_h)
{
    for (int r = 0; r < m->height; r++) {
        for (int c = 0; c < m->width;) {
            int start = c;
            while (c < m->width && dark_at(m, c, r))
                c++;
            if (c > start)
                cairo_rectangle(cr, x + start * mod, y + r * row_h, (c - start) * mod, row_h);
            else
                c++;
        }
    }
}

void label_outline_fill(cairo_t *cr, const label_matrix_t *m, double x, double y, double mod,
                        double row_h)
{
    size_t stride = (size_t)m->width + 1;
    unsigned char *edges = calloc(stride * ((size_t)m->height + 1), 1);
    cairo_new_path(cr);
    if (!edges) {
        add_runs(cr, m, x, y, mod, row_h);
    } else {
        collect_edges(m, edges);
        for (int r = 0; r <= m->height; r++)
            for (int c = 0; c <= m->width; c++)
                if (edges[(size_t)r * stride + (size_t)c])
                    trace(cr, edges, m->width, c, r, x, y, mod, row_h);
        free(edges);
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
}
