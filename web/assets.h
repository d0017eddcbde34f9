/*
 * assets.h - files served as they are, embedded into the binary at build
 * time (web/embed.sh), so the server needs nothing from the disk but its
 * database.
 */
#ifndef WEB_ASSETS_H
#define WEB_ASSETS_H

#include <stddef.h>

extern const char web_stylesheet[]; /* web/static/gimark.css */
extern const size_t web_stylesheet_len;

#endif
