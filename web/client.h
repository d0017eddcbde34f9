/*
 * client.h - who a request comes from: the connection's peer address, or,
 * when the peer is a trusted reverse proxy, the address that proxy says it
 * received the request from.
 *
 * The proxy appends the address it saw to X-Forwarded-For (nginx:
 * $proxy_add_x_forwarded_for), so only the last entry is the proxy's word;
 * entries before it are whatever the client sent and are never believed.
 * A peer that is not a trusted proxy is its own client, whatever it sends.
 *
 * Pure functions, no I/O; thread-safe.
 */
#ifndef WEB_CLIENT_H
#define WEB_CLIENT_H

#include <stddef.h>

#define WEB_ADDR_MAX  46                 /* INET6_ADDRSTRLEN */
#define WEB_GROUP_MAX (WEB_ADDR_MAX + 3) /* an address and "/64" */

/* Checks a comma-separated list of numeric IPv4/IPv6 addresses (spaces
 * allowed around commas). 0 when every entry is an address; else -1 with
 * the first bad entry in bad (at most bad_cap bytes). */
int web_trusted_list_check(const char *list, char *bad, size_t bad_cap);

/* The client's address: forwarded_for's last entry when peer is in trusted
 * (a list web_trusted_list_check accepted; NULL or "" trusts nobody) and
 * that entry is a numeric address; peer otherwise. */
void web_client_address(const char *peer, const char *forwarded_for, const char *trusted,
                        char out[WEB_ADDR_MAX]);

/* The group a client address counts in for every per-client limit and key
 * (web/server.c keys reports, unknown codes, sign-in attempts and the
 * client hash stored with scans by it): an IPv4 address is its own group
 * (an IPv4-mapped IPv6 address ::ffff:a.b.c.d counts as a.b.c.d); an IPv6
 * address counts as its /64, written "2001:db8:1:2::/64", since one host
 * or home usually holds a whole /64 and picks new addresses in it at will.
 * Anything else is copied as it is.
 *
 * libmicrohttpd's own per-address connection limit (max-conns-per-ip)
 * counts single addresses, not /64s: it cannot be told otherwise, so behind
 * no proxy an IPv6 host may hold that many connections per address it uses
 * (deploy/: nginx in front limits per address too). */
void web_client_group(const char *address, char out[WEB_GROUP_MAX]);

#endif
