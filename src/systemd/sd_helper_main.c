/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isorun-systemd: the only code linked against libsystemd, a program of its own that isorun
 * carries inside itself and executes from a sealed memfd (src/runtime/cgroup/systemd_helper.c), so
 * that isorun stays one static binary and pays for libsystemd's loading only when the systemd
 * cgroup driver is used.
 *
 *   isorun-systemd start UNIT NAME=SIG:VALUE...   StartTransientUnit, waits for its job
 *   isorun-systemd stop UNIT                      StopUnit (waits for its job), ResetFailedUnit
 *   isorun-systemd set UNIT NAME=SIG:VALUE...     SetUnitProperties (runtime)
 *   isorun-systemd manager-cgroup -               the manager's own cgroup ("ok PATH")
 *   isorun-systemd attach UNIT PID HOLDER         AttachProcessesToUnit(UNIT, PID), once the
 *                                                 helper HOLDER is seen in UNIT
 *
 * With "--user PRIVATE BUS" first, the manager is the caller's user manager (rootless): its
 * own socket PRIVATE, then the user bus BUS (both D-Bus addresses, which the runtime takes from
 * XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS: the helper gets no environment).
 *
 * The answer is one line on fd 1: "ok", or "error: MESSAGE".  After a successful start the
 * helper stays until fd 0 reaches EOF: a scope started with PIDs=[0] holds the helper itself
 * (systemd reads the caller's pid from the socket's credentials, in its own pid namespace,
 * which a pid passed as a number from a nested one would not be), and it must not become empty
 * before the runtime has moved the container's init in.  Every call has a timeout. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define PRIVATE_SOCKET	"/run/systemd/private"
#define SYSTEM_BUS	"/run/dbus/system_bus_socket"
#define CALL_TIMEOUT_US (25ULL * 1000000)
#define JOB_TIMEOUT_US	(30ULL * 1000000)
#define HELPER_LIFETIME 120 /* seconds: a last resort, above every timeout here */
#define DEST		"org.freedesktop.systemd1"
#define PATH		"/org/freedesktop/systemd1"
#define MANAGER		"org.freedesktop.systemd1.Manager"
#define NO_SUCH_UNIT	"org.freedesktop.systemd1.NoSuchUnit"

static void answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on fd 1; newlines in a message from systemd would make it two. */
static void answer(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	len = strlen(buf);
	buf[len++] = '\n';
	if (write(1, buf, len) < 0)
		_exit(3);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int open_address(const char *address, bool bus_client, sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r = sd_bus_new(&bus);

	if (r >= 0)
		r = sd_bus_set_address(bus, address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, bus_client);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(bus, CALL_TIMEOUT_US);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*ret = bus;
	return 0;
}

/* systemd's own socket first (what systemctl uses as root; no bus daemon needed), then the
 * system bus. */
static sd_bus *connect_systemd(void)
{
	sd_bus *bus = NULL;
	int r1, r2;

	r1 = open_address("unix:path=" PRIVATE_SOCKET, false, &bus);
	if (r1 == 0)
		return bus;
	r2 = open_address("unix:path=" SYSTEM_BUS, true, &bus);
	if (r2 == 0)
		return bus;
	answer("error: cannot reach systemd: " PRIVATE_SOCKET ": %s; " SYSTEM_BUS ": %s "
	       "(is systemd running, as PID 1 of this host?)",
	       strerror(-r1), strerror(-r2));
	return NULL;
}

/* The user manager, as systemctl --user reaches it: its own socket, then the user bus. */
static sd_bus *connect_user(const char *private_address, const char *bus_address)
{
	sd_bus *bus = NULL;
	int r1, r2;

	r1 = open_address(private_address, false, &bus);
	if (r1 == 0)
		return bus;
	r2 = open_address(bus_address, true, &bus);
	if (r2 == 0)
		return bus;
	answer("error: cannot reach your systemd user manager: %s: %s; %s: %s (is systemd --user "
	       "running for you? loginctl enable-linger starts it without a login)",
	       private_address, strerror(-r1), bus_address, strerror(-r2));
	return NULL;
}

/* ---- properties: NAME=SIG:VALUE ---- */

static int append_au(sd_bus_message *m, const char *value)
{
	int r = sd_bus_message_open_container(m, 'a', "u");

	for (const char *p = value; r >= 0 && *p; p += strcspn(p, ","), p += *p == ',')
		r = sd_bus_message_append(m, "u", (uint32_t)strtoul(p, NULL, 10));
	return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_ay_hex(sd_bus_message *m, const char *hex)
{
	size_t n = strlen(hex) / 2;
	unsigned char buf[1024];

	if (n > sizeof(buf))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		buf[i] = (unsigned char)v;
	}
	return sd_bus_message_append_array(m, 'y', buf, n);
}

/* "FIRST SECOND,FIRST SECOND" (systemd_props.h); "" is the empty array. */
static int append_a_ss(sd_bus_message *m, const char *value)
{
	int r = sd_bus_message_open_container(m, 'a', "(ss)");

	for (const char *p = value; r >= 0 && *p; p += strcspn(p, ","), p += *p == ',') {
		size_t len = strcspn(p, ","), first = strcspn(p, " ");
		char pair[512];

		if (first >= len || len >= sizeof(pair))
			return -EINVAL;
		snprintf(pair, sizeof(pair), "%.*s", (int)len, p);
		pair[first] = '\0';
		r = sd_bus_message_append(m, "(ss)", pair, pair + first + 1);
	}
	return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_value(sd_bus_message *m, const char *sig, const char *v)
{
	if (!strcmp(sig, "s"))
		return sd_bus_message_append(m, "s", v);
	if (!strcmp(sig, "b"))
		return sd_bus_message_append(m, "b", (int)(v[0] == '1'));
	if (!strcmp(sig, "au"))
		return append_au(m, v);
	if (!strcmp(sig, "ay"))
		return append_ay_hex(m, v);
	if (!strcmp(sig, "a(ss)"))
		return append_a_ss(m, v);
	switch (sig[1] ? 0 : sig[0]) {
	case 't':
		return sd_bus_message_append(m, "t", (uint64_t)strtoull(v, NULL, 10));
	case 'x':
		return sd_bus_message_append(m, "x", (int64_t)strtoll(v, NULL, 10));
	case 'u':
		return sd_bus_message_append(m, "u", (uint32_t)strtoul(v, NULL, 10));
	case 'i':
		return sd_bus_message_append(m, "i", (int32_t)strtol(v, NULL, 10));
	case 'q':
		return sd_bus_message_append(m, "q", (uint16_t)strtoul(v, NULL, 10));
	case 'n':
		return sd_bus_message_append(m, "n", (int16_t)strtol(v, NULL, 10));
	case 'y':
		return sd_bus_message_append(m, "y", (uint8_t)strtoul(v, NULL, 10));
	default:
		return -EINVAL;
	}
}

static int append_prop(sd_bus_message *m, const char *arg)
{
	const char *eq = strchr(arg, '='), *colon = eq ? strchr(eq, ':') : NULL;
	char name[256], sig[8];
	int r;

	if (!colon || eq - arg >= (long)sizeof(name) || colon - eq - 1 >= (long)sizeof(sig))
		return -EINVAL;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	snprintf(sig, sizeof(sig), "%.*s", (int)(colon - eq - 1), eq + 1);
	r = sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd_bus_message_append(m, "s", name);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'v', sig);
	if (r >= 0)
		r = append_value(m, sig, colon + 1);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_props(sd_bus_message *m, char **props, int n)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");

	for (int i = 0; r >= 0 && i < n; i++)
		if ((r = append_prop(m, props[i])) < 0)
			answer("error: the property %s: %s", props[i], strerror(-r));
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* ---- jobs ---- */

struct job_wait {
	const char *unit;
	char *job;    /* the job's object path, once the call returned it */
	char *result; /* JobRemoved's result: "done", "failed", "timeout", ... */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct job_wait *w = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	(void)error;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job && !strcmp(path, w->job) && !w->result)
		w->result = strdup(result);
	return 0;
}

/* Until the job's JobRemoved, or JOB_TIMEOUT_US. */
static int wait_job(sd_bus *bus, struct job_wait *w, const char *what)
{
	uint64_t deadline = now_us() + JOB_TIMEOUT_US;
	int r;

	while (!w->result) {
		r = sd_bus_process(bus, NULL);
		if (r > 0)
			continue;
		if (r == 0 && now_us() < deadline)
			r = sd_bus_wait(bus, deadline - now_us());
		if (r >= 0 && now_us() >= deadline)
			r = -ETIMEDOUT;
		if (r < 0) {
			answer("error: systemd: waiting for the job %s unit %s: %s", what, w->unit,
			       strerror(-r));
			return r;
		}
	}
	if (strcmp(w->result, "done")) {
		answer("error: systemd: the job %s unit %s failed (result: %s; see systemctl "
		       "status %s)",
		       what, w->unit, w->result, w->unit);
		return -EIO;
	}
	return 0;
}

static int watch_jobs(sd_bus *bus, struct job_wait *w)
{
	int r =
	    sd_bus_match_signal(bus, NULL, DEST, PATH, MANAGER, "JobRemoved", on_job_removed, w);

	if (r < 0)
		answer("error: systemd: subscribing to JobRemoved: %s", strerror(-r));
	return r;
}

static int take_job_path(sd_bus_message *reply, struct job_wait *w)
{
	const char *job;
	int r = sd_bus_message_read(reply, "o", &job);

	if (r < 0 || !(w->job = strdup(job)))
		return r < 0 ? r : -ENOMEM;
	return 0;
}

/* ---- operations ---- */

static int op_start(sd_bus *bus, const char *unit, char **props, int n)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	struct job_wait w = {.unit = unit};
	int r;

	if ((r = watch_jobs(bus, &w)) < 0)
		return r;
	r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, MANAGER, "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "fail");
	if (r >= 0 && (r = append_props(m, props, n)) < 0)
		goto out;
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0) {
		answer("error: systemd: building StartTransientUnit: %s", strerror(-r));
		goto out;
	}
	r = sd_bus_call(bus, m, 0, &error, &reply);
	if (r < 0) {
		answer("error: systemd: starting unit %s: %s", unit,
		       error.message ? error.message : strerror(-r));
		goto out;
	}
	if ((r = take_job_path(reply, &w)) < 0)
		answer("error: systemd: StartTransientUnit's reply: %s", strerror(-r));
	else
		r = wait_job(bus, &w, "starting");
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	free(w.job);
	free(w.result);
	return r;
}

static void reset_failed(sd_bus *bus, const char *unit)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;

	sd_bus_call_method(bus, DEST, PATH, MANAGER, "ResetFailedUnit", &error, NULL, "s", unit);
	sd_bus_error_free(&error);
}

static int op_stop(sd_bus *bus, const char *unit)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	struct job_wait w = {.unit = unit};
	int r;

	if ((r = watch_jobs(bus, &w)) < 0)
		return r;
	r = sd_bus_call_method(bus, DEST, PATH, MANAGER, "StopUnit", &error, &reply, "ss", unit,
			       "replace");
	if (r < 0 && sd_bus_error_has_name(&error, NO_SUCH_UNIT))
		r = 0; /* gone already: an empty scope is stopped by systemd itself */
	else if (r < 0)
		answer("error: systemd: stopping unit %s: %s", unit,
		       error.message ? error.message : strerror(-r));
	else if ((r = take_job_path(reply, &w)) < 0)
		answer("error: systemd: StopUnit's reply: %s", strerror(-r));
	else
		r = wait_job(bus, &w, "stopping");
	/* A scope whose processes were killed may be left "failed", which keeps its name. */
	reset_failed(bus, unit);
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	free(w.job);
	free(w.result);
	return r;
}

static int op_set(sd_bus *bus, const char *unit, char **props, int n)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, MANAGER, "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0 && (r = append_props(m, props, n)) < 0)
		goto out;
	if (r < 0) {
		answer("error: systemd: building SetUnitProperties: %s", strerror(-r));
		goto out;
	}
	r = sd_bus_call(bus, m, 0, &error, NULL);
	if (r < 0)
		answer("error: systemd: setting the properties of unit %s: %s", unit,
		       error.message ? error.message : strerror(-r));
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	return r;
}

static int op_manager_cgroup(sd_bus *bus)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	char *path = NULL;
	int r = sd_bus_get_property_string(bus, DEST, PATH, MANAGER, "ControlGroup", &error, &path);

	if (r < 0)
		answer("error: systemd: reading the manager's ControlGroup: %s",
		       error.message ? error.message : strerror(-r));
	else
		answer("ok %s", path);
	sd_bus_error_free(&error);
	free(path);
	return r;
}

/* Whether the helper that holds the unit (pid `holder` in the runtime's pid namespace) is among
 * the unit's processes as systemd numbers them: only then do the runtime's pids name the same
 * processes for systemd (no pid namespace of the runtime's own in between). */
static int holder_seen(sd_bus *bus, const char *unit, uint32_t holder)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *cgroup, *cmdline;
	uint32_t pid;
	int r, seen = 0;

	r = sd_bus_call_method(bus, DEST, PATH, MANAGER, "GetUnitProcesses", &error, &reply, "s",
			       unit);
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'a', "(sus)");
	while (r > 0 && (r = sd_bus_message_read(reply, "(sus)", &cgroup, &pid, &cmdline)) > 0)
		seen |= pid == holder;
	if (r < 0)
		answer("error: systemd: the processes of unit %s: %s", unit,
		       error.message ? error.message : strerror(-r));
	else if (!seen)
		answer(
		    "error: systemd: unit %s: the runtime is in a pid namespace of its own, whose "
		    "process ids systemd cannot use; run it in systemd's, or from your user "
		    "manager's own cgroups (systemd-run --user --scope)",
		    unit);
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	return r < 0 ? r : seen ? 0 : -ESRCH;
}

/* The runtime may not move the init itself when the two cgroups' common ancestor is not the
 * caller's (a login session's scope and the user manager's subtree): the user manager may, or
 * asks the system manager to. */
static int op_attach(sd_bus *bus, const char *unit, char **args, int n)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	uint32_t pid, holder;
	int r;

	if (n != 2) {
		answer("error: usage: isorun-systemd attach UNIT PID HOLDER");
		return -EINVAL;
	}
	pid = (uint32_t)strtoul(args[0], NULL, 10);
	holder = (uint32_t)strtoul(args[1], NULL, 10);
	if ((r = holder_seen(bus, unit, holder)) < 0)
		return r;
	r = sd_bus_call_method(bus, DEST, PATH, MANAGER, "AttachProcessesToUnit", &error, NULL,
			       "ssau", unit, "", 1, pid);
	if (r < 0)
		answer("error: systemd: moving process %" PRIu32 " into unit %s: %s", pid, unit,
		       error.message ? error.message : strerror(-r));
	sd_bus_error_free(&error);
	return r;
}

/* Until the runtime closes its end (it has moved the container's init into the scope). */
static void hold_until_released(void)
{
	char c;

	for (;;) {
		ssize_t n = read(0, &c, 1);

		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

int main(int argc, char **argv)
{
	sd_bus *bus;
	bool user = argc > 3 && !strcmp(argv[1], "--user");
	const char *private_address = user ? argv[2] : NULL, *bus_address = user ? argv[3] : NULL;
	int r;

	signal(SIGPIPE, SIG_IGN);
	alarm(HELPER_LIFETIME);
	if (user) {
		argv += 3;
		argc -= 3;
	}
	if (argc < 3) {
		answer("error: usage: isorun-systemd [--user PRIVATE BUS] "
		       "start|stop|set|attach|manager-cgroup UNIT [ARG...]");
		return 2;
	}
	if (!(bus = user ? connect_user(private_address, bus_address) : connect_systemd()))
		return 1;
	if (!strcmp(argv[1], "manager-cgroup")) {
		r = op_manager_cgroup(bus);
		sd_bus_flush_close_unref(bus);
		return r < 0;
	}
	if (!strcmp(argv[1], "attach"))
		r = op_attach(bus, argv[2], argv + 3, argc - 3);
	else if (!strcmp(argv[1], "start"))
		r = op_start(bus, argv[2], argv + 3, argc - 3);
	else if (!strcmp(argv[1], "stop"))
		r = op_stop(bus, argv[2]);
	else if (!strcmp(argv[1], "set"))
		r = op_set(bus, argv[2], argv + 3, argc - 3);
	else {
		answer("error: isorun-systemd: unknown operation \"%s\"", argv[1]);
		r = -EINVAL;
	}
	sd_bus_flush_close_unref(bus);
	if (r < 0)
		return 1;
	answer("ok");
	if (!strcmp(argv[1], "start")) {
		alarm(0);
		hold_until_released();
	}
	return 0;
}
