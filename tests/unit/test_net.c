/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the network configuration parsers: CIDRs, interface names, the io.isorun.net.*
 * annotations and linux.netDevices, and the netlink helper's messages over a socketpair (these
 * run without privileges). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net_config.h"
#include "net/net_text.h"
#include "net/nl_helper_proto.h"
#include "runtime/annotations.h"
#include "runtime/spec/spec.h"
#include "unit.h"

static void test_addr_parse(void)
{
	char text[NET_ADDR_TEXT_MAX];
	struct net_addr a;

	UNIT_CHECK(net_addr_parse("10.0.0.2/24", true, &a) == 0 && a.family == AF_INET &&
		       a.prefix == 24 && a.addr[0] == 10 && a.addr[3] == 2,
		   "IPv4 CIDR");
	UNIT_STREQ(net_addr_format(&a, true, text), "10.0.0.2/24", "IPv4 CIDR round trip");
	UNIT_CHECK(net_addr_parse("fd00::2/64", true, &a) == 0 && a.family == AF_INET6 &&
		       a.prefix == 64 && a.addr[0] == 0xfd && a.addr[15] == 2,
		   "IPv6 CIDR");
	UNIT_STREQ(net_addr_format(&a, false, text), "fd00::2", "IPv6 without prefix");
	UNIT_CHECK(net_addr_parse("10.0.0.1", false, &a) == 0 && a.prefix == 32, "bare address");
	UNIT_CHECK(net_addr_parse("0.0.0.0/0", true, &a) == 0 && a.prefix == 0, "prefix 0");
	UNIT_CHECK(net_addr_parse("10.0.0.2", true, &a) == -EINVAL, "CIDR without prefix");
	UNIT_CHECK(net_addr_parse("10.0.0.2/24", false, &a) == -EINVAL, "prefix where none");
	UNIT_CHECK(net_addr_parse("10.0.0.2/33", true, &a) == -EINVAL, "IPv4 prefix > 32");
	UNIT_CHECK(net_addr_parse("fd00::2/129", true, &a) == -EINVAL, "IPv6 prefix > 128");
	UNIT_CHECK(net_addr_parse("10.0.0.2/", true, &a) == -EINVAL, "empty prefix");
	UNIT_CHECK(net_addr_parse("10.0.0.2/-1", true, &a) == -EINVAL, "negative prefix");
	UNIT_CHECK(net_addr_parse("10.0.0.2/2x", true, &a) == -EINVAL, "prefix with junk");
	UNIT_CHECK(net_addr_parse("10.0.0.256/24", true, &a) == -EINVAL, "octet > 255");
	UNIT_CHECK(net_addr_parse("10.0.2/24", true, &a) == -EINVAL, "short IPv4");
	UNIT_CHECK(net_addr_parse("/24", true, &a) == -EINVAL, "no address");
	UNIT_CHECK(net_addr_parse("", false, &a) == -EINVAL, "empty");
}

static void test_link_names(void)
{
	UNIT_CHECK(link_name_valid("eth0"), "eth0");
	UNIT_CHECK(link_name_valid("abcdefghijklmno"), "15 characters");
	UNIT_CHECK(!link_name_valid("abcdefghijklmnop"), "16 characters");
	UNIT_CHECK(!link_name_valid(""), "empty");
	UNIT_CHECK(!link_name_valid(".") && !link_name_valid(".."), ". and ..");
	UNIT_CHECK(!link_name_valid("a/b") && !link_name_valid("a:b") && !link_name_valid("a b"),
		   "'/', ':' and space");
}

/* Parses a config.json with the given annotations and linux fields, then the network part. */
static int parse_net(const char *annotations, const char *linux_extra, bool new_netns,
		     struct net_config *cfg, struct iso_error *err)
{
	char doc[2048];
	struct spec *spec = NULL;
	int r;

	snprintf(doc, sizeof(doc),
		 "{\"ociVersion\": \"1.2.0\", \"annotations\": {%s}, \"linux\": {\"namespaces\": "
		 "[{\"type\": \"mount\"}%s]%s}}",
		 annotations, new_netns ? ", {\"type\": \"network\"}" : "", linux_extra);
	r = spec_parse(doc, strlen(doc), "config.json", &spec, err);
	if (r < 0)
		return r;
	*cfg = (struct net_config){.new_netns = new_netns};
	r = net_annotations_parse(spec, cfg, err);
	if (r == 0)
		r = net_devices_parse(spec, cfg, err);
	spec_free(spec);
	return r;
}

#define NET_OK(ann, what)                                                                          \
	do {                                                                                       \
		struct net_config c_;                                                              \
		struct iso_error e_ = {0};                                                         \
		UNIT_CHECK(parse_net(ann, "", true, &c_, &e_) == 0, "%s (%s)", what, e_.msg);      \
		net_config_clear(&c_);                                                             \
	} while (0)

#define NET_ERR(ann, extra, netns, want)                                                           \
	do {                                                                                       \
		struct net_config c_;                                                              \
		struct iso_error e_ = {0};                                                         \
		int r_ = parse_net(ann, extra, netns, &c_, &e_);                                   \
		UNIT_CHECK(r_ == -EINVAL && strstr(e_.msg, want), "refused: %s (got \"%s\")",      \
			   want, e_.msg);                                                          \
		net_config_clear(&c_);                                                             \
	} while (0)

static void test_annotations(void)
{
	struct net_config cfg;
	struct iso_error err = {0};
	int r;

	r = parse_net(
	    "\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.address\": "
	    "\"10.0.0.2/24, fd00::2/64\", \"io.isorun.net.gateway\": \"10.0.0.1,fd00::1\", "
	    "\"io.isorun.net.mtu\": \"1400\", \"other\": \"x\"",
	    "", true, &cfg, &err);
	UNIT_CHECK(r == 0, "a full veth configuration parses (%s)", err.msg);
	UNIT_STREQ(cfg.veth, "vh0", "veth name");
	UNIT_CHECK(cfg.n_addrs == 2 && cfg.addrs[1].family == AF_INET6, "two addresses");
	UNIT_CHECK(cfg.n_gateways == 2 && cfg.mtu == 1400, "two gateways, mtu");
	net_config_clear(&cfg);

	NET_OK("", "no annotation");
	NET_OK("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.bridge\": \"br0\"", "bridge");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\"", "", false, "needs a new network namespace");
	NET_ERR("\"io.isorun.net.mtu\": \"1500\"", "", true,
		"annotations[\"io.isorun.net.mtu\"]: needs io.isorun.net.veth");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.mtu\": \"67\"", "", true,
		"\"67\" is not an MTU");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.mtu\": \"\"", "", true,
		"is not an MTU");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.address\": \"\"", "", true,
		"no address given");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.address\": \"10.0.0.2/24,,\"", "",
		true, "\"\" is not");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.address\": \"10.0.0.2/24\", "
		"\"io.isorun.net.gateway\": \"10.0.0.1,10.0.0.254\"",
		"", true, "at most one gateway per address family");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.bridge\": \"br0\", "
		"\"io.isorun.net.host-address\": \"10.0.0.1/24\"",
		"", true, "cannot be combined");
	NET_ERR("\"io.isorun.net.veth\": \"vh0\", \"io.isorun.net.foo\": \"1\"", "", true,
		"annotations[\"io.isorun.net.foo\"]: unknown isorun network annotation");
	/* The last of duplicate keys wins: a bad first value is not looked at. */
	NET_OK("\"io.isorun.net.veth\": \"a/b\", \"io.isorun.net.veth\": \"vh0\"",
	       "duplicate keys");
}

/* annotations_check() over a config.json holding these annotations. */
static int check_table(const char *annotations, struct iso_error *err)
{
	char doc[1024];
	struct spec *spec = NULL;
	int r;

	snprintf(doc, sizeof(doc), "{\"ociVersion\": \"1.2.0\", \"annotations\": {%s}}",
		 annotations);
	r = spec_parse(doc, strlen(doc), "config.json", &spec, err);
	if (r == 0)
		r = annotations_check(spec, err);
	spec_free(spec);
	return r;
}

#define TABLE_OK(ann, what)                                                                        \
	do {                                                                                       \
		struct iso_error e_ = {0};                                                         \
		UNIT_CHECK(check_table(ann, &e_) == 0, "%s (%s)", what, e_.msg);                   \
	} while (0)

#define TABLE_ERR(ann, want)                                                                       \
	do {                                                                                       \
		struct iso_error e_ = {0};                                                         \
		int r_ = check_table(ann, &e_);                                                    \
		UNIT_CHECK(r_ == -EINVAL && strstr(e_.msg, want), "refused: %s (got \"%s\")",      \
			   want, e_.msg);                                                          \
	} while (0)

static void test_annotation_table(void)
{
	size_t net = 0;

	for (size_t i = 0; i < annotation_n_defs; i++) {
		const struct annotation_def *d = &annotation_defs[i];

		UNIT_CHECK(annotation_find(d->key) == d, "%s is found in the table", d->key);
		UNIT_CHECK(strncmp(d->key, ANNOTATION_PREFIX, strlen(ANNOTATION_PREFIX)) == 0,
			   "%s is in isorun's namespace", d->key);
		net += d->owner == ANNOTATION_OWNER_NET;
	}
	UNIT_CHECK(net == 6, "six network keys (%zu)", net);
	UNIT_CHECK(annotation_find("io.isorun.net.foo") == NULL, "an unknown key is not found");

	TABLE_OK("", "no annotation");
	TABLE_OK("\"org.example.x\": \"1\", \"io.isorunx\": \"2\"", "other namespaces are ignored");
	TABLE_OK("\"io.isorun.tenant.id\": \"t\", \"io.isorun.tenant.mode\": \"configure\"",
		 "tenant keys");
	TABLE_OK("\"io.isorun.rootfs.lower\": \"relative\"",
		 "rootfs paths are the owner's to check");
	TABLE_ERR("\"io.isorun.nope\": \"1\"",
		  "annotations[\"io.isorun.nope\"]: unknown isorun annotation");
	TABLE_ERR("\"io.isorun.rootfs.uper\": \"/u\"", "unknown isorun rootfs annotation");
	TABLE_ERR("\"io.isorun.net.foo\": \"1\"", "unknown isorun network annotation");
	TABLE_ERR("\"io.isorun.tenant.mode\": \"x\"", "is neither \"run\" nor \"configure\"");
	/* The network values are checked by net's own parser, without the other keys. */
	TABLE_ERR("\"io.isorun.net.mtu\": \"67\"",
		  "annotations[\"io.isorun.net.mtu\"]: \"67\" is not an MTU");
	TABLE_ERR("\"io.isorun.net.veth\": \"a/b\"", "is not an interface name");
	TABLE_OK("\"io.isorun.net.veth\": \"a/b\", \"io.isorun.net.veth\": \"vh0\"",
		 "the last of duplicate keys wins");
}

static void test_net_devices(void)
{
	struct net_config cfg;
	struct iso_error err = {0};
	int r;

	r = parse_net("", ", \"netDevices\": {\"eth1\": {\"name\": \"c%d\"}, \"eth2\": {}}", true,
		      &cfg, &err);
	UNIT_CHECK(r == 0 && cfg.n_devices == 2, "two devices (%s)", err.msg);
	UNIT_STREQ(cfg.devices[0].name, "c%d", "a %%d template");
	UNIT_STREQ(cfg.devices[1].name, "eth2", "the host's name is kept");
	net_config_clear(&cfg);
	NET_ERR("", ", \"netDevices\": {\"eth1\": {}}", false, "linux.netDevices: needs a network");
	NET_ERR("", ", \"netDevices\": []", true, "linux.netDevices: expected an object");
	NET_ERR("", ", \"netDevices\": {\"eth1\": 1}", true, "linux.netDevices.eth1: expected an");
	NET_ERR("", ", \"netDevices\": {\"eth1\": {\"name\": \"a%d%d\"}}", true,
		"linux.netDevices.eth1.name: \"a%d%d\" is not an interface name");
	NET_ERR("", ", \"netDevices\": {\"eth1\": {\"name\": \"x\"}, \"eth2\": {\"name\": \"x\"}}",
		true, "linux.netDevices.eth2: \"x\" is also the container-side name of \"eth1\"");
	NET_ERR("", ", \"netDevices\": {\"eth1\": {}, \"eth1\": {}}", true, "listed twice");
}

/* The netlink helper's messages: a request with its devices and an fd gets across whole; a
 * message of another size or magic, or a peer gone mid-way, is an error, never half a request. */
static void test_helper_messages(void)
{
	struct net_device_move devs[3] = {{.host_name = "eth1", .ifindex = 7, .n_addrs = 1},
					  {.host_name = "eth2", .name = "net%d"},
					  {.host_name = "eth3", .was_up = true}};
	struct nlh_request req = {.magic = NLH_MAGIC, .op = NLH_ATTACH}, got;
	struct net_device_move got_devs[3];
	int sv[2], fd = -1;

	req.cfg.n_devices = 3;
	snprintf(req.cfg.veth, sizeof(req.cfg.veth), "%s", "vh0");
	UNIT_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	UNIT_CHECK(nlh_send(sv[0], &req, sizeof(req), sv[0], devs, 3) == 0, "request sent");
	UNIT_CHECK(nlh_recv(sv[1], &got, sizeof(got), &fd) == 1 && fd >= 0 &&
		       strcmp(got.cfg.veth, "vh0") == 0 && got.cfg.n_devices == 3,
		   "request received, with its fd");
	if (fd >= 0)
		close(fd);
	UNIT_CHECK(nlh_recv_devices(sv[1], got_devs, 3) == 0 &&
		       memcmp(got_devs, devs, sizeof(devs)) == 0,
		   "its devices received as sent");

	req.magic = 0;
	UNIT_CHECK(nlh_send(sv[0], &req, sizeof(req), sv[0], NULL, 0) == 0 &&
		       nlh_recv(sv[1], &got, sizeof(got), &fd) == -EPROTO && fd == -1,
		   "another magic: -EPROTO, and the fd that came with it is not handed out");
	req.magic = NLH_MAGIC;
	UNIT_CHECK(nlh_send(sv[0], &req, sizeof(req) - 1, -1, NULL, 0) == 0 &&
		       nlh_recv(sv[1], &got, sizeof(got), &fd) == -EPROTO,
		   "a short message: -EPROTO");
	UNIT_CHECK(nlh_send(sv[0], &devs[0], sizeof(devs[0]), -1, NULL, 0) == 0, "one device");
	close(sv[0]);
	UNIT_CHECK(nlh_recv_devices(sv[1], got_devs, 2) == -ECONNRESET,
		   "the peer gone after one of two devices: -ECONNRESET");
	UNIT_CHECK(nlh_recv(sv[1], &got, sizeof(got), &fd) == 0, "then EOF");
	close(sv[1]);
}

int main(void)
{
	test_addr_parse();
	test_link_names();
	test_annotations();
	test_annotation_table();
	test_net_devices();
	test_helper_messages();
	return unit_done();
}
