/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `isorun VERB --help` names every long option the verb accepts: each entry of each option
 * table a verb lists (struct verb.options) must appear as "--NAME" in what its --help prints. */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "unit.h"

#define HELP_MAX 16384

/* What v->run prints on stdout for `isorun NAME --help`, or "" when it fails. */
static void help_of(const struct verb *v, char *buf, size_t size)
{
	char *argv[] = {(char *)v->name, (char *)"--help", NULL};
	struct global_options g = {.root = "/nonexistent"};
	struct iso_error err = {0};
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	size_t n = 0;

	buf[0] = '\0';
	if (!tmp || saved < 0)
		return;
	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	int r = v->run(&g, 2, argv, &err);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	if (r == 0)
		n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

/* "--NAME" as a whole word: not the start of a longer option ("--cpu-share" in "--cpu-shares"). */
static bool names_option(const char *help, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strstr(help, "--"); p; p = strstr(p + 2, "--")) {
		const char *end = p + 2 + len;

		if (!strncmp(p + 2, name, len) && !isalnum((unsigned char)*end) && *end != '-')
			return true;
	}
	return false;
}

static void check_verb(const struct verb *v)
{
	static char help[HELP_MAX];
	int options = 0;

	help_of(v, help, sizeof(help));
	UNIT_CHECK(help[0] != '\0', "%s --help prints its usage", v->name);
	UNIT_CHECK(v->options != NULL, "%s lists its option tables", v->name);
	for (const struct option *const *t = v->options; t && *t; t++) {
		for (const struct option *o = *t; o->name; o++) {
			options++;
			/* `isorun --help` says that every verb takes --help. */
			if (!strcmp(o->name, "help"))
				continue;
			UNIT_CHECK(names_option(help, o->name), "%s --help names --%s", v->name,
				   o->name);
		}
	}
	UNIT_CHECK(options > 0, "%s: its tables hold at least --help", v->name);
}

int main(void)
{
	static char help[HELP_MAX];
	const struct verb *exec = cmd_find_verb("exec");
	size_t n = 0;

	for (size_t i = 0; cmd_verb_at(i); i++, n++)
		check_verb(cmd_verb_at(i));
	UNIT_CHECK(n >= 18, "every verb is in the table (%zu)", n);
	/* exec applies --apparmor and --process-label (container_exec.c): its help says so. */
	UNIT_CHECK(exec != NULL, "exec is a verb");
	if (exec) {
		help_of(exec, help, sizeof(help));
		UNIT_CHECK(names_option(help, "apparmor"), "exec --help names --apparmor");
		UNIT_CHECK(names_option(help, "process-label"),
			   "exec --help names --process-label");
	}
	UNIT_CHECK(!names_option("--cpu-shares N", "cpu-share"),
		   "--cpu-share is not found inside --cpu-shares");
	return unit_done();
}
