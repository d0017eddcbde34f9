/*
 * icc.h - the ICC profiles compiled into the binary (build/gen/icc_profiles.c,
 * made by labels/icc_embed.sh; the Makefile's rule for build/icc/FOGRA39L.icc
 * says how the output profile is made). Used by labels/pdf.c's PDF/X-4
 * output intent. Read-only: safe from every thread.
 */
#ifndef LABEL_ICC_H
#define LABEL_ICC_H

#include <stddef.h>

/* The CMYK output profile of the FOGRA39 printing condition. */
extern const unsigned char label_icc_output[];
extern const size_t label_icc_output_len;
/* sRGB IEC61966-2.1: what cairo's DeviceRGB colours are tagged with. */
extern const unsigned char label_icc_srgb[];
extern const size_t label_icc_srgb_len;

#endif
