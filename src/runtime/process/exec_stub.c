/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/process/exec_stub.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/sealed_memfd.h"
#include "util/cleanup.h"

/* The init is a clone of the runtime until its last exec.  Only processes in its pid namespace
 * can name it in /proc, and it is not dumpable, so opening its /proc/PID/exe takes
 * CAP_SYS_PTRACE in the host's user namespace.  With a pid namespace of its own and no
 * CAP_SYS_PTRACE anywhere in the process's capabilities, nothing in the container can reach
 * the init's image; the stub closes the remaining way, the init's own final exec. */
bool exec_stub_protects(const struct spec *spec)
{
#ifdef HAVE_EXEC_STUB
	const struct spec_namespace *pid = spec_find_namespace(spec, CLONE_NEWPID);
	const struct spec_capabilities *c = &spec->process.capabilities;
	uint64_t all, ptrace = UINT64_C(1) << CAP_SYS_PTRACE;

	if (!pid || pid->path || !spec->process.has_capabilities)
		return false;
	all = c->bounding | c->effective | c->inheritable | c->permitted | c->ambient;
	return !(all & ptrace);
#else
	(void)spec;
	return false;
#endif
}

int exec_stub_memfd(struct iso_error *err)
{
#ifdef HAVE_EXEC_STUB
	int fd =
	    sealed_memfd_from_bytes("isorun-exec-stub", exec_stub_image, exec_stub_image_size, err);

	return fd < 0 ? iso_error_wrap(err, "the exec stub") : fd;
#else
	return iso_error_set(err, ENOSYS, "the exec stub is not built for this architecture");
#endif
}

int exec_stub_exec(int stub_fd, int barrier_fd, const char *path, char *const argv[],
		   char *const envp[])
{
	_cleanup_free_ char **stub_argv = NULL;
	char barrier[16];
	size_t n = 0;

	while (argv[n])
		n++;
	stub_argv = calloc(n + 3, sizeof(char *));
	if (!stub_argv)
		return -ENOMEM;
	snprintf(barrier, sizeof(barrier), "%d", barrier_fd);
	stub_argv[0] = barrier;
	stub_argv[1] = (char *)path;
	for (size_t i = 0; i < n; i++)
		stub_argv[i + 2] = argv[i];
	/* The stub, not this exec, must close the barrier: it stays open across this one. */
	if (barrier_fd >= 0 && fcntl(barrier_fd, F_SETFD, 0) < 0)
		return -errno;
	execveat(stub_fd, "", stub_argv, envp, AT_EMPTY_PATH);
	return -errno;
}
