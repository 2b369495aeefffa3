#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# embed-image.sh IMAGE SYMBOL HEADER: writes C source for a byte array SYMBOL[] holding the file
# IMAGE, and SYMBOL_size, declared in HEADER.  For the programs isorun carries inside itself and
# executes from sealed memfds (the exec stub, the netlink helper).  od is POSIX; xxd is not
# always installed.
set -e
image=$1 symbol=$2 header=$3
echo "/* Generated from $image by make: do not edit. */"
echo "#include \"$header\""
echo "const unsigned char ${symbol}[] = {"
od -An -v -tu1 "$image" | sed 's/[0-9][0-9]*/&,/g'
echo '};'
echo "const size_t ${symbol}_size = sizeof(${symbol});"
