/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/init_spawn.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Enough for the init's deepest path (hooks, the terminal); only the pages it touches are
 * ever allocated.  The lowest page is a guard. */
#define INIT_STACK_SIZE (2u << 20)
#define GUARD_SIZE	4096u
/* The helper only calls clone(). */
#define HELPER_STACK_SIZE (64u << 10)

enum { GO_CLONE = 1, GO_GIVE_UP = 2 };

static void futex_wait_while_zero(int *word)
{
	while (!__atomic_load_n(word, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

/* The futex is private to the address space, which the init shares. */
static void futex_set_and_wake(int *word, int value)
{
	__atomic_store_n(word, value, __ATOMIC_RELEASE);
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static int init_trampoline(void *arg)
{
	struct init_spawn *s = arg;

	futex_set_and_wake(&s->started, 1);
	s->fn(s->arg);
	_exit(127);
}

static void helper_fail(struct init_spawn *s, enum init_spawn_step step)
{
	s->error = errno;
	s->failed_step = step;
}

/* The helper's namespaces are its own (a thread's unshare() and setns() leave the others' as
 * they are), and the init is born in them. */
static void *helper_main(void *arg)
{
	struct init_spawn *s = arg;
	sigset_t all;
	int flags;

	/* The init starts with this mask (it resets it itself); and no signal meant for the
	 * runtime may run a handler on the thread whose TLS the init is using. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (s->pidns_fd >= 0 && setns(s->pidns_fd, CLONE_NEWPID) < 0)
		helper_fail(s, INIT_SPAWN_SETNS);
	else if (s->unshare_flags && unshare((int)s->unshare_flags) < 0)
		helper_fail(s, INIT_SPAWN_UNSHARE);
	futex_wait_while_zero(&s->go);
	if (s->failed_step || s->go == GO_GIVE_UP) {
		futex_set_and_wake(&s->started, 1);
		return NULL;
	}
	flags = (int)(s->clone_flags | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | SIGCHLD);
	/* Returns when the init has exec'd or died. */
	if (clone(init_trampoline, (char *)s->stack + s->stack_size, flags, s, &s->pid) < 0) {
		helper_fail(s, INIT_SPAWN_CLONE);
		futex_set_and_wake(&s->started, 1);
	}
	return NULL;
}

static void free_stack(struct init_spawn *s)
{
	if (s->stack) {
		munmap((char *)s->stack - GUARD_SIZE, s->stack_size + GUARD_SIZE);
		s->stack = NULL;
	}
}

int init_spawn_prepare(struct init_spawn *s, unsigned long unshare_flags, int pidns_fd)
{
	pthread_attr_t attr;
	char *mem;
	int r;

	*s = (struct init_spawn){.unshare_flags = unshare_flags, .pidns_fd = pidns_fd};
	mem = mmap(NULL, INIT_STACK_SIZE + GUARD_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	if (mprotect(mem, GUARD_SIZE, PROT_NONE) < 0) {
		r = -errno;
		munmap(mem, INIT_STACK_SIZE + GUARD_SIZE);
		return r;
	}
	s->stack = mem + GUARD_SIZE;
	s->stack_size = INIT_STACK_SIZE;
	r = pthread_attr_init(&attr);
	if (r == 0) {
		pthread_attr_setstacksize(&attr, HELPER_STACK_SIZE);
		r = pthread_create(&s->helper, &attr, helper_main, s);
		pthread_attr_destroy(&attr);
	}
	if (r != 0) {
		free_stack(s);
		return -r;
	}
	s->helper_running = true;
	return 0;
}

void init_spawn_begin(struct init_spawn *s, unsigned long clone_flags, int (*fn)(void *), void *arg)
{
	s->clone_flags = clone_flags;
	s->fn = fn;
	s->arg = arg;
	futex_set_and_wake(&s->go, GO_CLONE);
}

pid_t init_spawn_wait(struct init_spawn *s)
{
	futex_wait_while_zero(&s->started);
	if (s->failed_step) {
		int r = s->error;

		init_spawn_join(s);
		return -r;
	}
	return s->pid;
}

void init_spawn_join(struct init_spawn *s)
{
	if (s->helper_running) {
		if (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE))
			futex_set_and_wake(&s->go, GO_GIVE_UP);
		pthread_join(s->helper, NULL);
		s->helper_running = false;
	}
	free_stack(s);
}

bool init_spawn_try_join(struct init_spawn *s)
{
	if (s->helper_running) {
		if (pthread_tryjoin_np(s->helper, NULL) != 0)
			return false;
		s->helper_running = false;
	}
	free_stack(s);
	return true;
}
