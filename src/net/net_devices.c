/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "net/net_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_text.h"
#include "util/json_walk.h"

/* A container-side name may carry one "%d", which the kernel fills in (runtime spec 1.3). */
static bool template_name_valid(const char *name)
{
	const char *pct = strchr(name, '%');

	if (!link_name_valid(name))
		return false;
	return !pct || (pct[1] == 'd' && !strchr(pct + 1, '%'));
}

static int parse_one(struct json_walk *w, const char *host, yajl_val v, struct net_device_move *dev)
{
	yajl_val name;

	if (!link_name_valid(host))
		return json_walk_fail(w, "\"%s\" is not an interface name", host);
	snprintf(dev->host_name, sizeof(dev->host_name), "%s", host);
	snprintf(dev->name, sizeof(dev->name), "%s", host);
	if (!YAJL_IS_OBJECT(v))
		return json_walk_fail(w, "expected an object");
	name = json_object_get(v, "name");
	if (!name)
		return 0;
	if (!YAJL_IS_STRING(name))
		return json_walk_fail_at(w, "name", "expected a string");
	if (name->u.string[0] == '\0')
		return 0; /* the spec: the host's name is kept when name is empty */
	if (!template_name_valid(name->u.string))
		return json_walk_fail_at(w, "name",
					 "\"%s\" is not an interface name (1 to %d "
					 "characters, no '/', ':' or white space, at "
					 "most one %%d)",
					 name->u.string, IFNAMSIZ - 1);
	snprintf(dev->name, sizeof(dev->name), "%s", name->u.string);
	return 0;
}

static int check_duplicates(struct json_walk *w, const struct net_config *cfg, size_t i)
{
	const struct net_device_move *dev = &cfg->devices[i];

	for (size_t j = 0; j < i; j++)
		if (strcmp(cfg->devices[j].host_name, dev->host_name) == 0)
			return json_walk_fail(w, "listed twice");
	for (size_t j = 0; j < i; j++)
		if (strcmp(cfg->devices[j].name, dev->name) == 0 && !strchr(dev->name, '%'))
			return json_walk_fail(w,
					      "\"%s\" is also the container-side name of "
					      "\"%s\"",
					      dev->name, cfg->devices[j].host_name);
	return 0;
}

int net_devices_parse(const struct spec *spec, struct net_config *cfg, struct iso_error *err)
{
	yajl_val devices = json_object_get(json_object_get(spec->tree, "linux"), "netDevices");
	struct json_walk w;
	size_t n;

	if (!devices)
		return 0;
	json_walk_init(&w, "config.json", err);
	json_walk_push_key(&w, "linux");
	json_walk_push_key(&w, "netDevices");
	if (!YAJL_IS_OBJECT(devices))
		return json_walk_fail(&w, "expected an object");
	n = YAJL_GET_OBJECT(devices)->len;
	if (n == 0)
		return 0;
	if (!cfg->new_netns && !cfg->netns_path)
		return json_walk_fail(&w, "needs a network namespace in linux.namespaces (the "
					  "devices would stay where they are)");
	cfg->devices = calloc(n, sizeof(*cfg->devices));
	if (!cfg->devices)
		return json_walk_oom(&w);
	for (size_t i = 0; i < n; i++) {
		const char *host = YAJL_GET_OBJECT(devices)->keys[i];
		size_t mark = json_walk_push_key(&w, host);
		int r;

		cfg->n_devices = i + 1;
		if ((r = parse_one(&w, host, YAJL_GET_OBJECT(devices)->values[i],
				   &cfg->devices[i])) < 0 ||
		    (r = check_duplicates(&w, cfg, i)) < 0)
			return r;
		json_walk_pop(&w, mark);
	}
	return 0;
}

void net_config_clear(struct net_config *cfg)
{
	free(cfg->devices);
	*cfg = (struct net_config){0};
}
