/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One cleanup idiom: variables declared with these attributes are released when they go out of
 * scope, so every error path frees and closes.  Ownership is handed over explicitly with
 * steal_ptr()/steal_fd(). */
#ifndef ISORUN_CLEANUP_H
#define ISORUN_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
	/* close() is never retried on EINTR: on Linux the fd is gone either way. */
	if (*fd >= 0)
		close(*fd);
}

/* Closes *fd at this point, where the moment matters (a peer waits for EOF, or a child must
 * hold the only copy), and leaves -1 behind for a _cleanup_close_ variable. */
static inline void close_now(int *fd)
{
	cleanup_closep(fd);
	*fd = -1;
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void cleanup_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* A NULL-terminated array of heap strings. */
static inline void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static inline void cleanup_strvp(char ***v)
{
	strv_free(*v);
}

#define _cleanup_free_	   __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_	   __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_   __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedirp)))
#define _cleanup_strv_	   __attribute__((cleanup(cleanup_strvp)))

#define steal_ptr(p)                                                                               \
	({                                                                                         \
		__typeof__(p) _tmp = (p);                                                          \
		(p) = NULL;                                                                        \
		_tmp;                                                                              \
	})

#define steal_fd(fd)                                                                               \
	({                                                                                         \
		int _tmp = (fd);                                                                   \
		(fd) = -1;                                                                         \
		_tmp;                                                                              \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
