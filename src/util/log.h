/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages to the user: stderr always, and the --log file (text or one JSON object per line, as
 * containerd-shim and conmon read it). Only entry points (verbs) call these. */
#ifndef ISORUN_LOG_H
#define ISORUN_LOG_H

#include <stdbool.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };
enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARNING, LOG_LEVEL_ERROR };

/* Opens (creating) the --log file.  Returns -errno on failure; logging then goes to stderr only. */
int log_init(const char *path, enum log_format format, bool debug);
void log_close(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...)	 log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)	 log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...)	 log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

/* The fd of the log file, or -1 (so a child can keep writing to it). */
int log_fd(void);

#endif
