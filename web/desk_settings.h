/*
 * desk_settings.h - the server's settings the desks read: the API
 * (web/api.h), the portal (web/portal.h) and print files (web/printfile.h)
 * are each handed the one copy the server fills at start.
 */
#ifndef WEB_DESK_SETTINGS_H
#define WEB_DESK_SETTINGS_H

#include <stdint.h>

#include "gi/grade.h"
#include "labels/label.h"
#include "web/render.h"

typedef struct {
    const char *base_url;            /* what printed labels point at ("" when not configured) */
    const label_layout_t *layout;    /* print files' default layout, or NULL for the built-in */
    web_render_t *render;            /* the render threads of print files */
    int64_t target;                  /* operators using the mark the province aims at */
    int64_t repeat_threshold;        /* scans of a code above which it is an anomaly */
    int report_period;               /* use report periods a year (gi/usage.h): 1, 2 or 4 */
    const gi_grade_config_t *grades; /* credit classes (gi/grade.h) */
    const char *draw_ratios;         /* a draw's per-class ratios unless the plan gives them */
} web_desk_settings_t;

#endif
