/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: a new process in a running container, in all of its namespaces and cgroups, with the
 * container's process settings or those of a process.json (runc's `exec --process`). */
#ifndef ISORUN_CONTAINER_EXEC_H
#define ISORUN_CONTAINER_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/spec/spec.h"
#include "util/error.h"

struct exec_options {
	const char *root;
	const char *id;
	const char *process_file; /* --process: replaces the config's process; NULL for none */
	char **args;		  /* the command (NULL-terminated); empty only with process_file */
	char **env;		  /* -e K=V added to (or replacing in) the config's env */
	const char *cwd;
	bool has_user;
	struct spec_user user;	      /* -u UID[:GID] and -g GID... */
	char **caps;		      /* --cap NAME, added as runc adds them */
	const char *apparmor_profile; /* --apparmor: replaces the process's; NULL for none */
	const char *process_label;    /* --process-label: the same for its SELinux label */
	bool tty;
	bool no_new_privs;
	bool ignore_paused;
	char **cgroups; /* --cgroup [CONTROLLER:]PATH (NULL-terminated), or NULL */
	const char *console_socket;
	int console_fd; /* as in create_options; -1 for none */
	const char *pid_file;
	int preserve_fds; /* including the listen_fds ones, which come first */
	int listen_fds;	  /* socket activation (listen_fds.h): fds 3..3+N-1, 0 for none */
};

struct exec_result {
	pid_t pid;
	int pidfd; /* O_CLOEXEC; the caller closes it */
	bool terminal;
};

/* Starts the process and returns once it is about to exec (its program was found); on failure
 * no process is left. */
int container_exec(const struct exec_options *o, struct exec_result *ret, struct iso_error *err);

#endif
