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

static void futex_wait_while_zero(int *word)
{
	while (!__atomic_load_n(word, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

/* The futex is private to the address space, which the init shares. */
static void futex_set_and_wake(int *word)
{
	__atomic_store_n(word, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static int init_trampoline(void *arg)
{
	struct init_spawn *s = arg;

	futex_set_and_wake(&s->started);
	s->fn(s->arg);
	_exit(127);
}

static void *helper_main(void *arg)
{
	struct init_spawn *s = arg;
	sigset_t all;
	int flags = (int)(s->flags | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | SIGCHLD);

	/* The init starts with this mask (it resets it itself); and no signal meant for the
	 * runtime may run a handler on the thread whose TLS the init is using. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (s->pidns_fd >= 0 && setns(s->pidns_fd, CLONE_NEWPID) < 0) {
		s->clone_error = errno;
		s->setns_failed = true;
		futex_set_and_wake(&s->started);
		return NULL;
	}
	/* Returns when the init has exec'd or died. */
	if (clone(init_trampoline, (char *)s->stack + s->stack_size, flags, s, &s->pid) < 0) {
		s->clone_error = errno;
		futex_set_and_wake(&s->started);
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

pid_t init_spawn_start(struct init_spawn *s, unsigned long flags, int pidns_fd, int (*fn)(void *),
		       void *arg)
{
	pthread_attr_t attr;
	char *mem;
	int r;

	*s = (struct init_spawn){.fn = fn, .arg = arg, .flags = flags, .pidns_fd = pidns_fd};
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
	futex_wait_while_zero(&s->started);
	if (s->clone_error) {
		r = s->clone_error;
		init_spawn_join(s);
		return -r;
	}
	return s->pid;
}

void init_spawn_join(struct init_spawn *s)
{
	if (s->helper_running) {
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
