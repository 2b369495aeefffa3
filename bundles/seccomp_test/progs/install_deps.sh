#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs once, in configure mode (host network, a tenant's confinement otherwise), when the tenant is
# added: install what the program needs here.  Changes land in the tenant's own upper layer.
LIST_OF_DEPENDENCIES=""
set -e
for dep in $LIST_OF_DEPENDENCIES; do
	echo "install_deps.sh: would install $dep (the busybox base has no package manager)"
done
