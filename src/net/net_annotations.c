/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/net_config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_text.h"
#include "runtime/spec/annotation_keys.h"
#include "util/cleanup.h"

#define WHERE "config.json: annotations[\"%s\"]: "

typedef int (*annotation_parse_fn)(const char *key, const char *value, struct net_config *cfg,
				   struct iso_error *err);

static int parse_ifname(const char *key, const char *value, char *dst, struct iso_error *err)
{
	if (!link_name_valid(value))
		return iso_error_invalid(err,
					 WHERE "\"%s\" is not an interface name (1 to %d "
					       "characters, no '/', ':' or white space)",
					 key, value, IFNAMSIZ - 1);
	snprintf(dst, IFNAMSIZ, "%s", value);
	return 0;
}

static int parse_veth(const char *key, const char *value, struct net_config *cfg,
		      struct iso_error *err)
{
	return parse_ifname(key, value, cfg->veth, err);
}

static int parse_bridge(const char *key, const char *value, struct net_config *cfg,
			struct iso_error *err)
{
	return parse_ifname(key, value, cfg->bridge, err);
}

/* A comma-separated list of addresses (CIDRs when with_prefix), spaces around items allowed. */
static int parse_addr_list(const char *key, const char *value, bool with_prefix,
			   struct net_addr *out, size_t max, size_t *ret_n, struct iso_error *err)
{
	_cleanup_free_ char *copy = strdup(value);
	char *rest = copy, *item;
	size_t n = 0;

	if (!copy)
		return iso_error_set(err, ENOMEM, WHERE, key);
	if (!*copy)
		return iso_error_invalid(err, WHERE "no address given", key);
	/* strsep, unlike strtok, yields the empty items of "a,,b": they are refused. */
	while ((item = strsep(&rest, ","))) {
		char *end;

		item += strspn(item, " \t");
		end = item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (n == max)
			return iso_error_invalid(err, WHERE "more than %zu addresses", key, max);
		if (net_addr_parse(item, with_prefix, &out[n]) < 0)
			return iso_error_invalid(err, WHERE "\"%s\" is not %s", key, item,
						 with_prefix ? "an IPv4 or IPv6 address with a "
							       "prefix length (10.0.0.2/24, "
							       "fd00::2/64)"
							     : "an IPv4 or IPv6 address");
		n++;
	}
	*ret_n = n;
	return 0;
}

static int parse_address(const char *key, const char *value, struct net_config *cfg,
			 struct iso_error *err)
{
	return parse_addr_list(key, value, true, cfg->addrs, NET_MAX_ADDRS, &cfg->n_addrs, err);
}

static int parse_host_address(const char *key, const char *value, struct net_config *cfg,
			      struct iso_error *err)
{
	return parse_addr_list(key, value, true, cfg->host_addrs, NET_MAX_ADDRS, &cfg->n_host_addrs,
			       err);
}

static int parse_gateway(const char *key, const char *value, struct net_config *cfg,
			 struct iso_error *err)
{
	int r = parse_addr_list(key, value, false, cfg->gateways, 2, &cfg->n_gateways, err);

	if (r < 0)
		return r;
	if (cfg->n_gateways == 2 && cfg->gateways[0].family == cfg->gateways[1].family)
		return iso_error_invalid(err, WHERE "at most one gateway per address family", key);
	return 0;
}

static int parse_mtu(const char *key, const char *value, struct net_config *cfg,
		     struct iso_error *err)
{
	unsigned long mtu;
	char *end;

	errno = 0;
	mtu = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end || errno || mtu < NET_MTU_MIN ||
	    mtu > NET_MTU_MAX)
		return iso_error_invalid(err, WHERE "\"%s\" is not an MTU from %d to %d", key,
					 value, NET_MTU_MIN, NET_MTU_MAX);
	cfg->mtu = (unsigned int)mtu;
	return 0;
}

/* How each of the table's network keys (runtime/annotations.c) is read into a net_config. */
static const struct {
	const char *key;
	annotation_parse_fn parse;
} parsers[] = {
    {ANNOTATION_NET_VETH, parse_veth},
    {ANNOTATION_NET_ADDRESS, parse_address},
    {ANNOTATION_NET_HOST_ADDRESS, parse_host_address},
    {ANNOTATION_NET_BRIDGE, parse_bridge},
    {ANNOTATION_NET_GATEWAY, parse_gateway},
    {ANNOTATION_NET_MTU, parse_mtu},
};

static annotation_parse_fn parser_for(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(parsers); i++)
		if (strcmp(key, parsers[i].key) == 0)
			return parsers[i].parse;
	return NULL;
}

int net_annotation_check(const char *key, const char *value, struct iso_error *err)
{
	annotation_parse_fn parse = parser_for(key);
	struct net_config scratch = {0};

	if (!parse)
		return iso_error_invalid(err, WHERE "unknown isorun network annotation", key);
	return parse(key, value, &scratch, err);
}

static bool have_family(const struct net_addr *addrs, size_t n, int family)
{
	for (size_t i = 0; i < n; i++)
		if (addrs[i].family == family)
			return true;
	return false;
}

/* The annotation a "needs io.isorun.net.veth" or "needs a network namespace" error names. */
static const char *first_key_present(const struct spec *spec, bool include_veth)
{
	for (size_t i = 0; i < ARRAY_SIZE(parsers); i++)
		if ((include_veth || strcmp(parsers[i].key, ANNOTATION_NET_VETH) != 0) &&
		    spec_annotation(spec, parsers[i].key))
			return parsers[i].key;
	return NULL;
}

static int check_combination(const struct spec *spec, const struct net_config *cfg,
			     struct iso_error *err)
{
	const char *key = first_key_present(spec, true);

	if (!key)
		return 0;
	if (!cfg->new_netns)
		return iso_error_invalid(err,
					 WHERE "needs a new network namespace (a \"network\" "
					       "entry without \"path\" in linux.namespaces)",
					 key);
	key = first_key_present(spec, false);
	if (key && !cfg->veth[0])
		return iso_error_invalid(err, WHERE "needs " ANNOTATION_NET_VETH, key);
	if (cfg->bridge[0] && cfg->n_host_addrs)
		return iso_error_invalid(err,
					 WHERE "cannot be combined with " ANNOTATION_NET_BRIDGE
					       " (give the bridge the address instead)",
					 ANNOTATION_NET_HOST_ADDRESS);
	for (size_t i = 0; i < cfg->n_gateways; i++)
		if (!have_family(cfg->addrs, cfg->n_addrs, cfg->gateways[i].family))
			return iso_error_invalid(err,
						 WHERE "an IPv%c gateway needs an IPv%c "
						       "address in " ANNOTATION_NET_ADDRESS,
						 ANNOTATION_NET_GATEWAY,
						 cfg->gateways[i].family == AF_INET ? '4' : '6',
						 cfg->gateways[i].family == AF_INET ? '4' : '6');
	if (cfg->mtu && cfg->mtu < NET_IPV6_MTU_MIN &&
	    (have_family(cfg->addrs, cfg->n_addrs, AF_INET6) ||
	     have_family(cfg->host_addrs, cfg->n_host_addrs, AF_INET6)))
		return iso_error_invalid(err, WHERE "IPv6 needs an MTU of at least %d",
					 ANNOTATION_NET_MTU, NET_IPV6_MTU_MIN);
	return 0;
}

int net_annotations_parse(const struct spec *spec, struct net_config *cfg, struct iso_error *err)
{
	for (size_t i = 0; i < spec->n_annotations; i++) {
		const char *key = spec->annotations[i].key;
		annotation_parse_fn parse;
		int r;

		if (strncmp(key, ANNOTATION_NET_PREFIX, strlen(ANNOTATION_NET_PREFIX)) != 0)
			continue;
		if (!(parse = parser_for(key)))
			return iso_error_invalid(err, WHERE "unknown isorun network annotation",
						 key);
		/* The last of duplicate keys wins, as spec_annotation() reads them. */
		if (spec_annotation(spec, key) != spec->annotations[i].value)
			continue;
		r = parse(key, spec->annotations[i].value, cfg, err);
		if (r < 0)
			return r;
	}
	return check_combination(spec, cfg, err);
}
