/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "cmd/cmd.h"
#include "util/cleanup.h"

static const struct verb *const verbs[] = {
    &cmd_create_verb,	&cmd_start_verb,  &cmd_state_verb,   &cmd_kill_verb,   &cmd_delete_verb,
    &cmd_run_verb,	&cmd_exec_verb,	  &cmd_pause_verb,   &cmd_resume_verb, &cmd_update_verb,
    &cmd_ps_verb,	&cmd_events_verb, &cmd_trace_verb,   &cmd_tenant_verb, &cmd_list_verb,
    &cmd_features_verb, &cmd_spec_verb,	  &cmd_seccomp_verb,
};

const struct verb *cmd_find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i]->name, name))
			return verbs[i];
	return NULL;
}

const struct verb *cmd_verb_at(size_t i)
{
	return i < ARRAY_SIZE(verbs) ? verbs[i] : NULL;
}
