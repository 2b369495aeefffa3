/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/late_hooks.h"

#include <stdlib.h>

#include "runtime/container_parts.h"
#include "runtime/process/hooks.h"
#include "util/log.h"

/* Leaves h empty (nothing to run) when the state says the config has no hook of the kind:
 * the config copy, which may hold a large seccomp profile, is then not parsed at all. */
void late_hooks_prepare(int dirfd, const struct container_state *st, int kind_bit,
			struct late_hooks *h)
{
	*h = (struct late_hooks){0};
	if (st->late_hooks != STATE_HOOKS_UNKNOWN && !(st->late_hooks & kind_bit))
		return;
	h->wanted = true;
	if (container_load_config_copy(dirfd, &h->spec, &h->err) == 0)
		state_to_json(st, false, &h->state_json, &h->err);
}

void late_hooks_clear(struct late_hooks *h)
{
	if (h->spec)
		spec_free(h->spec);
	free(h->state_json);
	*h = (struct late_hooks){0};
}

void late_hooks_run(struct late_hooks *h, enum spec_hook_kind kind)
{
	if (!h->wanted)
		return;
	if (!h->state_json)
		log_warning("%s", h->err.msg);
	else
		hooks_run_all(h->spec, kind, h->state_json);
	late_hooks_clear(h);
}
