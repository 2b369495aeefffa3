/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "runtime/spec/mount_options.h"
#include "util/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* mount(2) copies at most one page of filesystem data; 4096 is the smallest page. */
#define MOUNT_DATA_MAX 4095

struct mount_flag {
	const char *name;
	unsigned long flag;
	bool clear; /* the option turns the flag off ("rw", "suid") */
};

static const struct mount_flag mount_flags[] = {
    {"ro", MS_RDONLY, false},
    {"rw", MS_RDONLY, true},
    {"suid", MS_NOSUID, true},
    {"nosuid", MS_NOSUID, false},
    {"dev", MS_NODEV, true},
    {"nodev", MS_NODEV, false},
    {"exec", MS_NOEXEC, true},
    {"noexec", MS_NOEXEC, false},
    {"sync", MS_SYNCHRONOUS, false},
    {"async", MS_SYNCHRONOUS, true},
    {"dirsync", MS_DIRSYNC, false},
    {"remount", MS_REMOUNT, false},
    {"mand", MS_MANDLOCK, false},
    {"nomand", MS_MANDLOCK, true},
    {"atime", MS_NOATIME, true},
    {"noatime", MS_NOATIME, false},
    {"diratime", MS_NODIRATIME, true},
    {"nodiratime", MS_NODIRATIME, false},
    {"relatime", MS_RELATIME, false},
    {"norelatime", MS_RELATIME, true},
    {"strictatime", MS_STRICTATIME, false},
    {"nostrictatime", MS_STRICTATIME, true},
    {"lazytime", MS_LAZYTIME, false},
    {"nolazytime", MS_LAZYTIME, true},
};

/* Runtime spec 1.1's recursive forms (mount_setattr with AT_RECURSIVE), as runc names them. */
static const struct mount_flag recursive_flags[] = {
    {"rro", MS_RDONLY, false},
    {"rrw", MS_RDONLY, true},
    {"rnosuid", MS_NOSUID, false},
    {"rsuid", MS_NOSUID, true},
    {"rnodev", MS_NODEV, false},
    {"rdev", MS_NODEV, true},
    {"rnoexec", MS_NOEXEC, false},
    {"rexec", MS_NOEXEC, true},
    {"rnoatime", MS_NOATIME, false},
    {"ratime", MS_NOATIME, true},
    {"rnodiratime", MS_NODIRATIME, false},
    {"rdiratime", MS_NODIRATIME, true},
    {"rrelatime", MS_RELATIME, false},
    {"rnorelatime", MS_RELATIME, true},
    {"rstrictatime", MS_STRICTATIME, false},
    {"rnostrictatime", MS_STRICTATIME, true},
    {"rnosymfollow", MS_NOSYMFOLLOW, false},
    {"rsymfollow", MS_NOSYMFOLLOW, true},
};

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* The options that are neither a flag nor a propagation (see apply_special). */
static const char *const mount_specials[] = {"bind", "rbind", "tmpcopyup", "idmap", "ridmap"};

const char *mount_option_name(size_t index)
{
	if (index < ARRAY_SIZE(mount_flags))
		return mount_flags[index].name;
	index -= ARRAY_SIZE(mount_flags);
	if (index < ARRAY_SIZE(recursive_flags))
		return recursive_flags[index].name;
	index -= ARRAY_SIZE(recursive_flags);
	if (index < ARRAY_SIZE(propagations))
		return propagations[index].name;
	index -= ARRAY_SIZE(propagations);
	return index < ARRAY_SIZE(mount_specials) ? mount_specials[index] : NULL;
}

int mount_propagation_from_name(const char *name, unsigned long *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++) {
		if (strcmp(name, propagations[i].name) == 0) {
			*ret = propagations[i].flags;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct mount_flag *find_flag(const struct mount_flag *table, size_t n, const char *opt)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(opt, table[i].name) == 0)
			return &table[i];
	return NULL;
}

/* Keeps *set and *clear disjoint, so the last option about a flag wins. */
static void record_flag(const struct mount_flag *f, unsigned long *set, unsigned long *clear)
{
	if (f->clear) {
		*set &= ~f->flag;
		*clear |= f->flag;
	} else {
		*set |= f->flag;
		*clear &= ~f->flag;
	}
}

static bool apply_flag(struct spec_mount *m, const char *opt)
{
	const struct mount_flag *f = find_flag(mount_flags, ARRAY_SIZE(mount_flags), opt);

	if (f) {
		record_flag(f, &m->flags, &m->clear_flags);
		return true;
	}
	f = find_flag(recursive_flags, ARRAY_SIZE(recursive_flags), opt);
	if (f) {
		record_flag(f, &m->rec_flags, &m->rec_clear_flags);
		return true;
	}
	return false;
}

static bool apply_special(struct spec_mount *m, const char *opt)
{
	unsigned long propagation;

	if (mount_propagation_from_name(opt, &propagation) == 0) {
		m->propagation = propagation;
	} else if (strcmp(opt, "bind") == 0) {
		m->bind = true;
	} else if (strcmp(opt, "rbind") == 0) {
		m->bind = m->recursive = true;
	} else if (strcmp(opt, "tmpcopyup") == 0) {
		m->tmpcopyup = true;
	} else if (strcmp(opt, "idmap") == 0 || strcmp(opt, "ridmap") == 0) {
		/* The last of the two wins, as in runc. */
		m->idmap = true;
		m->idmap_recursive = opt[0] == 'r';
	} else {
		return false;
	}
	return true;
}

static int append_data(struct spec_mount *m, size_t *len, const char *opt, const char *json_path,
		       struct iso_error *err)
{
	size_t add = strlen(opt) + (*len ? 1 : 0);
	char *data;

	if (*len + add > MOUNT_DATA_MAX)
		return iso_error_invalid(err, "%s.options: filesystem options longer than %d bytes",
					 json_path, MOUNT_DATA_MAX);
	data = realloc(m->data, *len + add + 1);
	if (!data)
		return iso_error_set(err, ENOMEM, "%s.options", json_path);
	m->data = data;
	if (*len)
		data[(*len)++] = ',';
	strcpy(data + *len, opt);
	*len += strlen(opt);
	return 0;
}

int mount_options_parse(struct spec_mount *m, const char *json_path, struct iso_error *err)
{
	size_t data_len = 0;

	m->flags = m->clear_flags = m->propagation = 0;
	m->rec_flags = m->rec_clear_flags = 0;
	m->bind = m->type && strcmp(m->type, "bind") == 0;
	m->recursive = m->tmpcopyup = m->idmap = m->idmap_recursive = false;
	free(m->data);
	m->data = NULL;
	for (char **o = m->options; o && *o; o++) {
		int r;

		/* An empty option means nothing; passed on it would read ",," to the kernel. */
		if (!**o || apply_flag(m, *o) || apply_special(m, *o))
			continue;
		r = append_data(m, &data_len, *o, json_path, err);
		if (r < 0)
			return r;
	}
	/* MOUNT_ATTR_IDMAP maps a clone of an existing mount: only a bind has one. */
	if (m->idmap && !m->bind)
		return iso_error_invalid(err, "%s.options: \"%s\" needs a bind mount", json_path,
					 m->idmap_recursive ? "ridmap" : "idmap");
	return 0;
}
