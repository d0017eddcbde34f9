/*
 * fonts.h - the CJK faces a PDF render draws, cut down to the characters it
 * draws (internal to labels/, labels/fonts.c).
 *
 * cairo embeds a font in a PDF by subsetting it when the surface finishes,
 * and its CFF subsetter first copies the face's whole 'CFF ' table into the
 * heap: 16 MB for Noto Sans CJK, at the end of every PDF part. A face cut
 * down beforehand (HarfBuzz's subsetter) to the few hundred characters of a
 * batch has a CFF table of about 250 KB, so that copy costs next to nothing.
 *
 * Thread-safety: a label_fonts_t belongs to the thread that began it; other
 * threads keep their own pango font map.
 */
#ifndef LABEL_FONTS_H
#define LABEL_FONTS_H

#include "labels/label.h"

#include <stdint.h>

/* Writes to path (created, mode 0600; it must not exist) the face at index
 * of the font file `file`, cut down to the characters cps[0..n) and the
 * glyphs their shaping may reach (ligatures, localised forms): outlines,
 * advances and names as in the original. LABEL_EINVAL when the face has no
 * glyph for one of them (in *missing when missing is not NULL): a subset
 * would print it as an empty box; LABEL_EIO when the font cannot be read or
 * path written; LABEL_ENOMEM. */
label_err_t label_font_subset(const char *file, unsigned index, const uint32_t *cps, size_t n,
                              const char *path, uint32_t *missing, char *errbuf, size_t errlen);

/* Loads fontconfig's configuration once per process, in the calling
 * thread. Call it before anything that makes a pango font map: pango
 * (1.50) loads the configuration on a thread of its own the first time a
 * thread makes its font map, while that thread goes on and reads it, and
 * two such loads or a read during one corrupt fontconfig's data (pango
 * issues 784 and 872; ThreadSanitizer showed it on the annual report, and
 * a server aborted once as it exited). Loaded here first, pango's thread
 * finds it loaded and only reads. */
void label_fonts_init(void);

typedef struct label_fonts label_fonts_t;

/* Makes the calling thread's pango font map one that holds only the faces
 * labels draw with (LABEL_TEXT_FONT regular and bold, LABEL_CODE_FONT bold),
 * each cut down to the characters of content, of every item's code, of the
 * captions and the mark's placeholder, and printable ASCII, written into a
 * private temporary directory (TMPDIR, else /tmp). The same faces as
 * fontconfig gives the system-wide font map, so the output looks the same.
 * On any error *f is NULL and the thread keeps the system's fonts (the
 * render then costs the full font copy): LABEL_EINVAL when a face is not
 * installed as such or lacks a character the text holds (there the system's
 * fallback fonts draw it, as before), LABEL_EIO, LABEL_ENOMEM. */
label_err_t label_fonts_begin(label_fonts_t **f, const label_content_t *content,
                              const label_item_t *items, size_t n, char *errbuf, size_t errlen);

/* Gives the thread back the default font map, and removes the files and
 * their directory; f may be NULL. Call after every surface drawn with the
 * faces is finished (cairo reads them again then, to embed them). */
void label_fonts_end(label_fonts_t *f);

#endif
