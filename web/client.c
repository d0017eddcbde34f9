/*
 * client.c - the client's address behind an optional trusted proxy.
 */
#include "web/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Copies [start, end) without surrounding spaces into out; 0 if it is a
 * numeric IPv4 or IPv6 address, normalised to inet_ntop's form. */
static int address_of(const char *start, const char *end, char out[WEB_ADDR_MAX])
{
    char text[WEB_ADDR_MAX];
    unsigned char bin[sizeof(struct in6_addr)];
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t n = (size_t)(end - start);
    if (n == 0 || n >= sizeof text)
        return -1;
    memcpy(text, start, n);
    text[n] = '\0';
    if (inet_pton(AF_INET, text, bin) == 1)
        return inet_ntop(AF_INET, bin, out, WEB_ADDR_MAX) ? 0 : -1;
    if (inet_pton(AF_INET6, text, bin) == 1)
        return inet_ntop(AF_INET6, bin, out, WEB_ADDR_MAX) ? 0 : -1;
    return -1;
}

/* The next comma-separated entry of *list as [*start, *end); 0 past the last. */
static int next_entry(const char **list, const char **start, const char **end)
{
    if (!*list || !**list)
        return 0;
    const char *comma = strchr(*list, ',');
    *start = *list;
    *end = comma ? comma : *list + strlen(*list);
    *list = comma ? comma + 1 : *end;
    return 1;
}

int web_trusted_list_check(const char *list, char *bad, size_t bad_cap)
{
    char addr[WEB_ADDR_MAX];
    const char *start, *end;
    while (next_entry(&list, &start, &end)) {
        if (address_of(start, end, addr) != 0) {
            while (start < end && *start == ' ')
                start++;
            snprintf(bad, bad_cap, "%.*s", (int)(end - start), start);
            return -1;
        }
    }
    return 0;
}

static int is_trusted(const char *peer, const char *trusted)
{
    char addr[WEB_ADDR_MAX];
    const char *start, *end;
    while (next_entry(&trusted, &start, &end))
        if (address_of(start, end, addr) == 0 && strcmp(addr, peer) == 0)
            return 1;
    return 0;
}

void web_client_address(const char *peer, const char *forwarded_for, const char *trusted,
                        char out[WEB_ADDR_MAX])
{
    snprintf(out, WEB_ADDR_MAX, "%s", peer);
    if (!forwarded_for || !is_trusted(peer, trusted))
        return;
    const char *last = strrchr(forwarded_for, ',');
    last = last ? last + 1 : forwarded_for;
    char addr[WEB_ADDR_MAX];
    if (address_of(last, last + strlen(last), addr) == 0)
        memcpy(out, addr, WEB_ADDR_MAX);
}

void web_client_group(const char *address, char out[WEB_GROUP_MAX])
{
    struct in6_addr a6;
    char text[WEB_ADDR_MAX];
    snprintf(out, WEB_GROUP_MAX, "%s", address ? address : "");
    if (!address || inet_pton(AF_INET6, address, &a6) != 1)
        return;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
        if (inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof text))
            snprintf(out, WEB_GROUP_MAX, "%s", text);
        return;
    }
    memset(&a6.s6_addr[8], 0, 8);
    if (inet_ntop(AF_INET6, &a6, text, sizeof text))
        snprintf(out, WEB_GROUP_MAX, "%s/64", text);
}
