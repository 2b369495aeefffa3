/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keys of isorun's own annotations (io.isorun.*).  The table of what each means and how its
 * value is checked is runtime/annotations.h; the keys alone are here, for the code that only
 * reads or writes them (net/, and its helper, which must not depend on the runtime). */
#ifndef ISORUN_ANNOTATION_KEYS_H
#define ISORUN_ANNOTATION_KEYS_H

#define ANNOTATION_PREFIX "io.isorun."

#define ANNOTATION_NET_PREFIX	    ANNOTATION_PREFIX "net."
#define ANNOTATION_NET_VETH	    ANNOTATION_NET_PREFIX "veth"
#define ANNOTATION_NET_ADDRESS	    ANNOTATION_NET_PREFIX "address"
#define ANNOTATION_NET_HOST_ADDRESS ANNOTATION_NET_PREFIX "host-address"
#define ANNOTATION_NET_BRIDGE	    ANNOTATION_NET_PREFIX "bridge"
#define ANNOTATION_NET_GATEWAY	    ANNOTATION_NET_PREFIX "gateway"
#define ANNOTATION_NET_MTU	    ANNOTATION_NET_PREFIX "mtu"

#define ANNOTATION_ROOTFS_PREFIX ANNOTATION_PREFIX "rootfs."
#define ANNOTATION_ROOTFS_LOWER	 ANNOTATION_ROOTFS_PREFIX "lower"
#define ANNOTATION_ROOTFS_UPPER	 ANNOTATION_ROOTFS_PREFIX "upper"
#define ANNOTATION_ROOTFS_WORK	 ANNOTATION_ROOTFS_PREFIX "work"

#define ANNOTATION_TENANT_PREFIX ANNOTATION_PREFIX "tenant."
#define ANNOTATION_TENANT_ID	 ANNOTATION_TENANT_PREFIX "id"
#define ANNOTATION_TENANT_CNAME	 ANNOTATION_TENANT_PREFIX "cname"
#define ANNOTATION_TENANT_MODE	 ANNOTATION_TENANT_PREFIX "mode"

#endif
