/*
 * emblem.h - the GI mark's emblem as the consumer page shows it: an SVG drawn
 * for this service (a ring, a field under a rising sun, the words 地理标志),
 * not a copy of the official artwork. Served at /static/emblem.svg, cached.
 *
 * Thread-safety: read-only data.
 */
#ifndef WEB_EMBLEM_H
#define WEB_EMBLEM_H

#include <stddef.h>

extern const char web_emblem_svg[];
extern const size_t web_emblem_svg_len;

#endif
