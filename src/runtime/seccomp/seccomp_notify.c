/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/seccomp/seccomp_notify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/jsongen.h"

#define PROCESS_STATE_OCI_VERSION "1.2.0"

static inline void cleanup_yajl_treep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

static int process_state_json(const char *metadata, pid_t pid, const char *state_json, char **ret,
			      size_t *ret_len, struct iso_error *err)
{
	__attribute__((cleanup(cleanup_yajl_treep))) yajl_val state = NULL;
	char errbuf[128];
	yajl_gen g;

	state = yajl_tree_parse(state_json, errbuf, sizeof(errbuf));
	if (!state)
		return iso_error_set(err, EINVAL, "seccomp listener: container state");
	g = jsongen_new(false);
	if (!g)
		return iso_error_set(err, ENOMEM, "seccomp listener");
	yajl_gen_map_open(g);
	jsongen_kv_str(g, "ociVersion", PROCESS_STATE_OCI_VERSION);
	jsongen_key(g, "fds");
	yajl_gen_array_open(g);
	jsongen_str(g, "seccompFd");
	yajl_gen_array_close(g);
	jsongen_kv_int(g, "pid", pid);
	if (metadata)
		jsongen_kv_str(g, "metadata", metadata);
	jsongen_key(g, "state");
	jsongen_value(g, state);
	yajl_gen_map_close(g);
	return jsongen_finish(g, ret, ret_len, err);
}

static int connect_listener(const char *path, struct iso_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;

	if (strlen(path) >= sizeof(addr.sun_path))
		return iso_error_invalid(err, "config.json: linux.seccomp.listenerPath: path too "
					      "long for a unix socket");
	memcpy(addr.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return iso_error_set(err, errno, "seccomp listener: socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return iso_error_set(err, errno,
				     "config.json: linux.seccomp.listenerPath: "
				     "connecting to %s",
				     path);
	return steal_fd(fd);
}

int seccomp_notify_send(const char *listener_path, const char *metadata, int notify_fd, pid_t pid,
			const char *state_json, struct iso_error *err)
{
	_cleanup_free_ char *msg = NULL;
	_cleanup_close_ int sock = -1;
	size_t len;
	int r;

	r = process_state_json(metadata, pid, state_json, &msg, &len, err);
	if (r < 0)
		return r;
	sock = r = connect_listener(listener_path, err);
	if (r < 0)
		return r;
	/* One sendmsg() carries the whole document and the fd: the agent reads to EOF. */
	r = fd_send(sock, notify_fd, msg, len);
	if (r < 0)
		return iso_error_set(err, -r, "seccomp listener %s: sending the notify fd",
				     listener_path);
	return 0;
}
