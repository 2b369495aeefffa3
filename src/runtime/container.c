/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/container.h"

#include "runtime/container_parts.h"
#include "runtime/config_load.h"
#include "util/cleanup.h"
#include "util/fsutil.h"

/* Opens (and locks) the state directory and reads the state with its live status. */
int container_open_locked(const char *root, const char *id, int *ret_dirfd,
			  struct container_state *st, struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;
	int r;

	if ((r = state_validate_id(id, err)) < 0)
		return r;
	dirfd = r = state_dir_open(root, id, err);
	if (r < 0)
		return r;
	if ((r = state_read(dirfd, id, st, err)) < 0)
		return r;
	state_refresh(st);
	*ret_dirfd = steal_fd(dirfd);
	return 0;
}

int container_load_state(const char *root, const char *id, struct container_state *st,
			 struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;

	return container_open_locked(root, id, &dirfd, st, err);
}

int container_load_config_copy(int dirfd, struct spec **ret, struct iso_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file_at(dirfd, CONFIG_COPY, SPEC_MAX_SIZE, &text, &len, err);
	if (r < 0)
		return r;
	return spec_parse(text, len, "config.json", ret, err);
}

int container_load_with_config(const char *root, const char *id, struct container_state *st,
			       struct spec **ret_spec, struct seccomp_program *ret_seccomp,
			       struct iso_error *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = container_open_locked(root, id, &dirfd, st, err);
	if (r < 0)
		return r;
	r = read_file_at(dirfd, CONFIG_COPY, SPEC_MAX_SIZE, &text, &len, err);
	if (r == 0)
		r = config_load(text, len, root, ret_spec, ret_seccomp, err);
	if (r < 0)
		state_clear(st);
	return r;
}
