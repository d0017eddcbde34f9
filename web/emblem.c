/*
 * emblem.c - the emblem's SVG: 96 x 96 user units, two colours (the mark's
 * red and a gold), legible at 48 px.
 */
#include "web/emblem.h"

const char web_emblem_svg[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 96 96\" width=\"96\" height=\"96\" "
    "role=\"img\" aria-label=\"\xe5\x9c\xb0\xe7\x90\x86\xe6\xa0\x87\xe5\xbf\x97\">"
    "<circle cx=\"48\" cy=\"48\" r=\"45\" fill=\"#fff\" stroke=\"#b3121f\" stroke-width=\"4\"/>"
    "<circle cx=\"48\" cy=\"48\" r=\"38\" fill=\"none\" stroke=\"#c8a13a\" stroke-width=\"1.5\"/>"
    /* the sun over the field */
    "<circle cx=\"48\" cy=\"38\" r=\"11\" fill=\"#c8a13a\"/>"
    "<path d=\"M18 52 Q48 40 78 52 L78 58 Q48 46 18 58 Z\" fill=\"#b3121f\"/>"
    "<path d=\"M22 62 Q48 51 74 62 L74 67 Q48 56 22 67 Z\" fill=\"#b3121f\"/>"
    /* 地理标志 */
    "<text x=\"48\" y=\"82\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"700\" "
    "fill=\"#b3121f\" font-family=\"'Noto Sans CJK SC','Source Han Sans SC',sans-serif\">"
    "\xe5\x9c\xb0\xe7\x90\x86\xe6\xa0\x87\xe5\xbf\x97</text>"
    "</svg>\n";
const size_t web_emblem_svg_len = sizeof web_emblem_svg - 1;
