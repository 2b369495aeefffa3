/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "log.h"
#include "fsutil.h"
#include "timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

static int log_file_fd = -1;
static enum log_format log_file_format = LOG_FORMAT_TEXT;
static bool log_debug_enabled;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

int log_init(const char *path, enum log_format format, bool debug)
{
	log_debug_enabled = debug;
	log_file_format = format;
	if (!path || !*path)
		return 0;
	log_file_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
	return log_file_fd < 0 ? -errno : 0;
}

void log_close(void)
{
	if (log_file_fd >= 0)
		close(log_file_fd);
	log_file_fd = -1;
}

int log_fd(void)
{
	return log_file_fd;
}

static void write_json_line(enum log_level level, const char *msg, const char *when)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return;
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"level", 5);
	yajl_gen_string(g, (const unsigned char *)level_names[level], strlen(level_names[level]));
	yajl_gen_string(g, (const unsigned char *)"msg", 3);
	yajl_gen_string(g, (const unsigned char *)msg, strlen(msg));
	yajl_gen_string(g, (const unsigned char *)"time", 4);
	yajl_gen_string(g, (const unsigned char *)when, strlen(when));
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		write_all(log_file_fd, buf, len);
		write_all(log_file_fd, "\n", 1);
	}
	yajl_gen_free(g);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2048], when[64];
	va_list ap;
	int saved = errno;

	if (level == LOG_LEVEL_DEBUG && !log_debug_enabled)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	timefmt_rfc3339_now(when, sizeof(when));
	if (log_file_fd >= 0) {
		if (log_file_format == LOG_FORMAT_JSON) {
			write_json_line(level, msg, when);
		} else {
			dprintf(log_file_fd, "%s %s: %s\n", when, level_names[level], msg);
		}
	}
	/* With a JSON log the client reads the log file; stderr still gets errors and warnings
	 * for people running isorun by hand. */
	if (level >= LOG_LEVEL_WARNING || log_debug_enabled)
		fprintf(stderr, "isorun: %s%s\n", level == LOG_LEVEL_WARNING ? "warning: " : "",
			msg);
	errno = saved;
}
