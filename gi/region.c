/*
 * region.c - GB/T 2260 region names.
 */
#include "gi/region.h"

#include <string.h>

typedef struct {
    const char *code; /* 6 digits: 450000 province, 451000 city, 451003 county */
    const char *zh;
    const char *en;
} region_t;

static const region_t regions[] = {
    {"450000", "广西壮族自治区", "Guangxi"},
    {"450100", "南宁市", "Nanning"},
    {"450127", "横州市", "Hengzhou"},
    {"450200", "柳州市", "Liuzhou"},
    {"450224", "融安县", "Rong'an County"},
    {"450300", "桂林市", "Guilin"},
    {"450326", "永福县", "Yongfu County"},
    {"450331", "荔浦市", "Lipu"},
    {"450332", "恭城瑶族自治县", "Gongcheng Yao Autonomous County"},
    {"450400", "梧州市", "Wuzhou"},
    {"450500", "北海市", "Beihai"},
    {"450521", "合浦县", "Hepu County"},
    {"450600", "防城港市", "Fangchenggang"},
    {"450700", "钦州市", "Qinzhou"},
    {"450721", "灵山县", "Lingshan County"},
    {"450800", "贵港市", "Guigang"},
    {"450900", "玉林市", "Yulin"},
    {"450921", "容县", "Rong County"},
    {"451000", "百色市", "Baise"},
    {"451003", "田阳区", "Tianyang District"},
    {"451100", "贺州市", "Hezhou"},
    {"451123", "富川瑶族自治县", "Fuchuan Yao Autonomous County"},
    {"451200", "河池市", "Hechi"},
    {"451224", "东兰县", "Donglan County"},
    {"451227", "巴马瑶族自治县", "Bama Yao Autonomous County"},
    {"451300", "来宾市", "Laibin"},
    {"451400", "崇左市", "Chongzuo"},
};

/* The region of the first 6 characters of code, or NULL. */
static const region_t *find(const char *code)
{
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if (memcmp(regions[i].code, code, 6) == 0)
            return &regions[i];
    return NULL;
}

/* Appends s to out (used bytes of cap), cut at the end of out; the consumer
 * page names a region on every scan, so no snprintf here. */
static size_t append(char *out, size_t used, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (used + n >= cap)
        n = cap - 1 - used;
    memcpy(out + used, s, n);
    out[used + n] = '\0';
    return used + n;
}

int gi_region_name(const char *code, int english, char *out, size_t cap)
{
    out[0] = '\0';
    if (!code || strlen(code) != 6 || cap < 2)
        return 0;
    char key[7];
    const region_t *level[3] = {NULL, NULL, NULL}; /* province, city, county */
    memcpy(key, code, 2);
    memcpy(key + 2, "0000", 5);
    level[0] = find(key);
    memcpy(key + 2, code + 2, 2);
    if (memcmp(key + 2, "00", 2) != 0)
        level[1] = find(key);
    if (memcmp(code + 4, "00", 2) != 0)
        level[2] = find(code);
    size_t used = 0;
    for (int i = english ? 2 : 0; english ? i >= 0 : i < 3; i += english ? -1 : 1) {
        if (!level[i] || used >= cap - 1)
            continue;
        if (english && used)
            used = append(out, used, cap, ", ");
        used = append(out, used, cap, english ? level[i]->en : level[i]->zh);
    }
    return out[0] != '\0';
}

const char *gi_region_code_at(size_t i)
{
    return i < sizeof regions / sizeof regions[0] ? regions[i].code : NULL;
}
