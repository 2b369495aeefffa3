/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exec stub: the last image a container's init runs before the user's program.
 *
 * Why it exists (CVE-2019-5736): until its final execve the init is a clone of the runtime,
 * so its /proc/self/exe is the runtime binary on the host.  A hostile image can make that
 * final execve run /proc/self/exe itself (as the program, a #! interpreter or an ELF
 * PT_INTERP), and then overwrite the host binary through /proc/PID/exe of the result.  The
 * init therefore execs this stub from a sealed memfd first; the stub execs the user's program,
 * so the /proc/self/exe that program could name is the sealed stub, which nobody can write.
 * That costs one exec of a few KiB of static code instead of re-executing the whole runtime
 * from a memfd copy on every create.
 *
 * Freestanding: no libc, nothing to load, nothing that a seccomp allowlist recorded from the
 * user's program would have to allow besides execve (and exit_group on failure).
 *
 * argv: FIFO_FD PATH ARGV0 ARGS...  FIFO_FD is the start barrier the init held open (or -1):
 * it is made close-on-exec here, so that it closes exactly when PATH has been executed,
 * which is when `start` may run the poststart hooks. */

#if defined(__x86_64__)
#define NR_EXECVE     59
#define NR_FCNTL      72
#define NR_WRITE      1
#define NR_EXIT_GROUP 231

static long sys3(long n, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call stub_main\n"
	"	hlt\n");
#elif defined(__aarch64__)
#define NR_EXECVE     221
#define NR_FCNTL      25
#define NR_WRITE      64
#define NR_EXIT_GROUP 94

static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov x0, sp\n"
	"	bl stub_main\n"
	"	brk #0\n");
#else
#error "the exec stub supports x86_64 and aarch64; configure disables it elsewhere"
#endif

#define F_SETFD_    2
#define FD_CLOEXEC_ 1
#define ENOENT_	    2
#define ENOTDIR_    20

__attribute__((noreturn)) static void stub_exit(int status)
{
	for (;;)
		sys3(NR_EXIT_GROUP, status, 0, 0);
}

static long str_len(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	return n;
}

/* A decimal fd, or -1 for anything else (the init passes "-1" for none). */
static int parse_fd(const char *s)
{
	int fd = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || fd > 100000)
			return -1;
		fd = fd * 10 + (*s - '0');
	}
	return fd;
}

static void say(const char *s)
{
	sys3(NR_WRITE, 2, (long)s, str_len(s));
}

__attribute__((noreturn, used)) void stub_main(long *sp);

__attribute__((noreturn, used)) void stub_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	long r;
	int fifo;

	if (argc < 3)
		stub_exit(127);
	fifo = parse_fd(argv[0]);
	if (fifo >= 0)
		sys3(NR_FCNTL, fifo, F_SETFD_, FD_CLOEXEC_);
	r = sys3(NR_EXECVE, (long)argv[1], (long)(argv + 2), (long)envp);
	/* The init checked PATH before: failing now means it changed under us. */
	say("isorun: exec ");
	say(argv[1]);
	say(": failed\n");
	stub_exit(r == -ENOENT_ || r == -ENOTDIR_ ? 127 : 126);
}
