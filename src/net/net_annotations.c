#include "config.h"
#include "net/net_config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_text.h"
#include "util/cleanup.h"

#define PREFIX "io.isorun.net."
#define WHERE  "config.json: annotations[\"%s\"]: "

#define KEY_VETH	 PREFIX "veth"
#define KEY_ADDRESS	 PREFIX "address"
#define KEY_HOST_ADDRESS PREFIX "host-address"
#define KEY_BRIDGE	 PREFIX "bridge"
#define KEY_GATEWAY	 PREFIX "gateway"
#define KEY_MTU		 PREFIX "mtu"

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

static const struct {
	const char *key;
	annotation_parse_fn parse;
} parsers[] = {
    {KEY_VETH, parse_veth},
    {KEY_ADDRESS, parse_address},
    {KEY_HOST_ADDRESS, parse_host_address},
    {KEY_BRIDGE, parse_bridge},
    {KEY_GATEWAY, parse_gateway},
    {KEY_MTU, parse_mtu},
};

const struct net_annotation_info net_annotations[] = {
    {KEY_VETH, "create a veth pair: this host-side name (at most 15 characters), the peer "
	       "created in the container's network namespace as " NET_CONTAINER_IFNAME},
    {KEY_ADDRESS, "the container's addresses on " NET_CONTAINER_IFNAME
		  ": comma-separated CIDRs, IPv4 and/or IPv6"},
    {KEY_HOST_ADDRESS, "addresses on the host-side veth (point-to-point): comma-separated "
		       "CIDRs"},
    {KEY_BRIDGE, "attach the host-side veth to this existing bridge"},
    {KEY_GATEWAY, "the container's default route: one gateway address per family, "
		  "comma-separated"},
    {KEY_MTU, "the MTU of both ends of the veth pair (68 to 65535)"},
};
const size_t net_n_annotations = ARRAY_SIZE(net_annotations);

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
		if ((include_veth || strcmp(parsers[i].key, KEY_VETH) != 0) &&
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
		return iso_error_invalid(err, WHERE "needs " KEY_VETH, key);
	if (cfg->bridge[0] && cfg->n_host_addrs)
		return iso_error_invalid(err,
					 WHERE "cannot be combined with " KEY_BRIDGE
					       " (give the bridge the address instead)",
					 KEY_HOST_ADDRESS);
	for (size_t i = 0; i < cfg->n_gateways; i++)
		if (!have_family(cfg->addrs, cfg->n_addrs, cfg->gateways[i].family))
			return iso_error_invalid(err,
						 WHERE "an IPv%c gateway needs an IPv%c "
						       "address in " KEY_ADDRESS,
						 KEY_GATEWAY,
						 cfg->gateways[i].family == AF_INET ? '4' : '6',
						 cfg->gateways[i].family == AF_INET ? '4' : '6');
	if (cfg->mtu && cfg->mtu < NET_IPV6_MTU_MIN &&
	    (have_family(cfg->addrs, cfg->n_addrs, AF_INET6) ||
	     have_family(cfg->host_addrs, cfg->n_host_addrs, AF_INET6)))
		return iso_error_invalid(err, WHERE "IPv6 needs an MTU of at least %d", KEY_MTU,
					 NET_IPV6_MTU_MIN);
	return 0;
}

int net_annotations_parse(const struct spec *spec, struct net_config *cfg, struct iso_error *err)
{
	for (size_t i = 0; i < spec->n_annotations; i++) {
		const char *key = spec->annotations[i].key;
		size_t j;
		int r;

		if (strncmp(key, PREFIX, strlen(PREFIX)) != 0)
			continue;
		for (j = 0; j < ARRAY_SIZE(parsers); j++)
			if (strcmp(key, parsers[j].key) == 0)
				break;
		if (j == ARRAY_SIZE(parsers))
			return iso_error_invalid(err, WHERE "unknown isorun network annotation",
						 key);
		/* The last of duplicate keys wins, as spec_annotation() reads them. */
		if (spec_annotation(spec, key) != spec->annotations[i].value)
			continue;
		r = parsers[j].parse(key, spec->annotations[i].value, cfg, err);
		if (r < 0)
			return r;
	}
	return check_combination(spec, cfg, err);
}
