/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "signals.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"

struct signal_entry {
	const char *name; /* without the SIG prefix */
	int number;
};

static const struct signal_entry signal_table[] = {
    {"HUP", SIGHUP},	   {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},	   {"ABRT", SIGABRT}, {"IOT", SIGIOT},	     {"BUS", SIGBUS},
    {"FPE", SIGFPE},	   {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},	   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},	   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},	   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

static int parse_number(const char *text, int min, int max)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	return (int)v;
}

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N */
static int parse_realtime(const char *name)
{
	int base, off = 0;

	if (!strncasecmp(name, "RTMIN", 5))
		base = SIGRTMIN;
	else if (!strncasecmp(name, "RTMAX", 5))
		base = SIGRTMAX;
	else
		return -EINVAL;
	name += 5;
	if (*name == '+' || *name == '-') {
		off = parse_number(name + 1, 0, SIGRTMAX - SIGRTMIN);
		if (off < 0)
			return off;
		if (*name == '-')
			off = -off;
	} else if (*name) {
		return -EINVAL;
	}
	base += off;
	return base >= SIGRTMIN && base <= SIGRTMAX ? base : -EINVAL;
}

int signal_parse(const char *text)
{
	const char *name = text;

	if (!text || !*text)
		return -EINVAL;
	if (isdigit((unsigned char)text[0]))
		return parse_number(text, 0, SIGRTMAX);
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_table); i++)
		if (!strcasecmp(name, signal_table[i].name))
			return signal_table[i].number;
	return parse_realtime(name);
}

const char *signal_name(int sig)
{
	static const char *const names[] = {
	    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",	    [SIGQUIT] = "SIGQUIT",
	    [SIGILL] = "SIGILL",   [SIGTRAP] = "SIGTRAP",   [SIGABRT] = "SIGABRT",
	    [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",	    [SIGKILL] = "SIGKILL",
	    [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV",   [SIGUSR2] = "SIGUSR2",
	    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",   [SIGTERM] = "SIGTERM",
	    [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",   [SIGSTOP] = "SIGSTOP",
	    [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",   [SIGTTOU] = "SIGTTOU",
	    [SIGURG] = "SIGURG",   [SIGXCPU] = "SIGXCPU",   [SIGXFSZ] = "SIGXFSZ",
	    [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH", [SIGSYS] = "SIGSYS",
	};

	if (sig <= 0 || (size_t)sig >= ARRAY_SIZE(names))
		return NULL;
	return names[sig];
}

void signals_reset_for_exec(void)
{
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigset_t none;

	/* sigaction fails for SIGKILL, SIGSTOP and glibc's internal signals: harmless. */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
