/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cloning the container's init without copying the runtime's address space.
 *
 * On these VMs every new address space is dear: a fork costs about 0.5 ms of page-table work
 * and each page the child then touches faults (tests/bench/run-vs-runc.sh).  So the init is cloned
 * with CLONE_VM: it runs in the runtime's memory until its first exec, and that exec (of the
 * tiny stub, exec_stub.h) has no copy to tear down.
 *
 * Two C programs in one memory need what two threads need, so the clone is made by a helper
 * thread, with CLONE_VFORK:
 * - glibc knows the process has a second thread: malloc and stdio lock their shared state;
 * - the init runs on the helper's thread-local storage (errno, malloc's per-thread cache, the
 *   owner of stdio locks), which the helper does not touch while the vfork holds it, and on a
 *   stack of its own;
 * - the helper is the init's parent thread: it lives until the init has exec'd or died, so
 *   the init's parent-death signal still fires only when the runtime dies.
 *
 * What follows for the code on either side:
 * - the init must not call glibc's set*id()/setgroups() wrappers, which in a threaded process
 *   signal every other thread to change too: it uses the raw system calls (credentials.h);
 * - the runtime must not free or change what the init reads (its arguments, the spec) until
 *   init_spawn_join() has returned, i.e. the init has exec'd or died.  A runtime that exits
 *   first (create) simply leaves its memory to the init.
 * The init's memory is the runtime's, so PR_SET_DUMPABLE in the init covers both: the runtime
 * is not dumpable from then on either (it was not meant to be ptraced anyway). */
#ifndef ISORUN_INIT_SPAWN_H
#define ISORUN_INIT_SPAWN_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

enum init_spawn_step { INIT_SPAWN_OK, INIT_SPAWN_SETNS, INIT_SPAWN_UNSHARE, INIT_SPAWN_CLONE };

struct init_spawn {
	unsigned long unshare_flags; /* namespaces the helper makes before the clone */
	int pidns_fd;		     /* a pid namespace for the helper to join, or -1 */
	unsigned long clone_flags;   /* namespaces made by the clone itself */
	int (*fn)(void *);	     /* runs in the init; must exec or _exit() */
	void *arg;
	void *stack; /* the init's own stack (mmap) */
	size_t stack_size;
	pthread_t helper;
	bool helper_running;
	int go;	     /* futex: 1 clone, 2 give up */
	int started; /* futex: 1 once the init runs or the helper failed */
	pid_t pid;   /* written by the kernel (CLONE_PARENT_SETTID) */
	enum init_spawn_step failed_step;
	int error; /* errno of the failed step */
};

/* Starts the helper thread, which at once joins pidns_fd (-1: none) and unshares
 * unshare_flags, while the runtime goes on making the state directory and the cgroups: new
 * namespaces are the dearest part of the clone (about 0.5 ms, most of it the network namespace),
 * and the helper's own namespaces are the ones its child is born in.  Namespaces that must
 * belong to a new user namespace cannot be made this way: with one, pass 0 and let
 * init_spawn_begin()'s clone make them all.  Returns 0 or -errno; s must stay where it is. */
int init_spawn_prepare(struct init_spawn *s, unsigned long unshare_flags, int pidns_fd);

/* Has the helper clone fn(arg) as the init, with clone_flags (namespaces left to the clone),
 * and returns at once: the runtime goes on (its cgroups) while the clone makes the namespaces
 * that could not be made ahead (those of a new user namespace).  The init's fd table is the
 * runtime's as it is at the clone, some time before init_spawn_wait() returns.  Everything fn
 * reads must stay unchanged until init_spawn_join(). */
void init_spawn_begin(struct init_spawn *s, unsigned long clone_flags, int (*fn)(void *),
		      void *arg);

/* After init_spawn_begin(): the init's pid once it runs; -errno on failure (s->failed_step
 * says which step), with nothing left behind once init_spawn_join() has run. */
pid_t init_spawn_wait(struct init_spawn *s);

/* Waits until the init has exec'd or died (a prepared helper never begun just gives up),
 * then frees the stack.  Blocks for as long as the init waits for start: call it once the
 * init has been reaped. */
void init_spawn_join(struct init_spawn *s);

/* The same without waiting: false (and nothing freed) while the init may still run in this
 * memory. */
bool init_spawn_try_join(struct init_spawn *s);

#endif
