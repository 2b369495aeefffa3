/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "util/mountinfo.h"

#include <string.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

bool mountinfo_parse_line(char *line, struct mountinfo_entry *e)
{
	char *fields[6], *save = NULL, *tok;
	int i = 0;

	for (tok = strtok_r(line, " ", &save); tok && i < 6; tok = strtok_r(NULL, " ", &save))
		fields[i++] = tok;
	if (i < 6)
		return false;
	/* Optional fields end with a lone "-". */
	while (tok && strcmp(tok, "-") != 0)
		tok = strtok_r(NULL, " ", &save);
	e->fstype = strtok_r(NULL, " ", &save);
	if (!tok || !e->fstype || !strtok_r(NULL, " ", &save))
		return false;
	e->super_opts = strtok_r(NULL, " ", &save);
	if (!e->super_opts)
		return false;
	e->root = fields[3];
	e->mount_point = fields[4];
	unescape_octal(e->root);
	unescape_octal(e->mount_point);
	return true;
}
