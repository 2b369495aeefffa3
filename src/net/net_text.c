/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/net_text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int net_addr_parse(const char *text, bool with_prefix, struct net_addr *ret)
{
	char host[NET_ADDR_TEXT_MAX];
	const char *slash = strchr(text, '/');
	size_t hlen = slash ? (size_t)(slash - text) : strlen(text);
	struct net_addr a = {0};
	unsigned long prefix;
	char *end;

	if (hlen == 0 || hlen >= sizeof(host) || (slash != NULL) != with_prefix)
		return -EINVAL;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, a.addr) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, host, a.addr) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	a.prefix = a.family == AF_INET ? 32 : 128;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		prefix = strtoul(slash + 1, &end, 10);
		if (errno || *end || prefix > a.prefix)
			return -EINVAL;
		a.prefix = (unsigned int)prefix;
	}
	*ret = a;
	return 0;
}

const char *net_addr_format(const struct net_addr *a, bool with_prefix, char *buf)
{
	size_t n;

	if (!inet_ntop(a->family, a->addr, buf, NET_ADDR_TEXT_MAX)) {
		snprintf(buf, NET_ADDR_TEXT_MAX, "?");
		return buf;
	}
	n = strlen(buf);
	if (with_prefix)
		snprintf(buf + n, NET_ADDR_TEXT_MAX - n, "/%u", a->prefix);
	return buf;
}

bool link_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}
