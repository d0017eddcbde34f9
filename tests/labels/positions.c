/*
 * positions.c - prints where each label's symbol should be, for the
 * round-trip test to read the printed file back.
 *
 *     label_positions URL COUNT [PAGE_W PAGE_H LABEL_W LABEL_H [SYMBOLOGY]]
 *
 * SYMBOLOGY: qr (default), datamatrix, hanxin or code128 (URL is then the
 * code without hyphens).
 * One line per label: index page x y w h (quiet-zone box, mm from the page's
 * top-left corner).
 */
#include "labels/label.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 7 && argc != 8) {
        fprintf(stderr,
                "usage: label_positions URL COUNT [PAGE_W PAGE_H LABEL_W LABEL_H [SYMBOLOGY]]\n");
        return 1;
    }
    label_layout_t l;
    label_layout_default(&l);
    if (argc == 8) {
        static const char *const syms[] = {"qr", "datamatrix", "hanxin", "code128"};
        for (int i = 0; i < 4; i++)
            if (strcmp(argv[7], syms[i]) == 0)
                l.symbology = (label_symbology_t)i;
    }
    if (argc >= 7) {
        l.page_w_mm = atof(argv[3]);
        l.page_h_mm = atof(argv[4]);
        l.label_w_mm = atof(argv[5]);
        l.label_h_mm = atof(argv[6]);
    }
    label_item_t item = {
        argc == 8 && strcmp(argv[7], "code128") == 0 ? argv[1] : "0000-0000-0000-0000", argv[1], 1};
    char err[256];
    double sx, sy, sw, sh, mod;
    if (label_symbol_box(&l, &item, &sx, &sy, &sw, &sh, &mod, err, sizeof err) != LABEL_OK) {
        fprintf(stderr, "label_positions: %s\n", err);
        return 1;
    }
    long n = atol(argv[2]);
    for (long i = 0; i < n; i++) {
        int page;
        double x, y;
        label_position_mm(&l, (size_t)i, &page, &x, &y);
        printf("%ld %d %.3f %.3f %.3f %.3f\n", i, page, x + sx, y + sy, sw, sh);
    }
    return 0;
}
