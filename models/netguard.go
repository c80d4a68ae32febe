package models

import (
	"net"
	"net/netip"
	"strings"
)

// nonPublic are the IANA special-purpose ranges (RFC 6890 and its registries) a webhook must not
// reach, besides what netip already calls loopback, link-local, multicast or unspecified: private
// and shared networks, documentation, benchmarking, reserved, and IPv6 prefixes that tunnel or
// translate to an address the check could not see (6to4, Teredo, local-use NAT64).
var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16",
		"192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/96", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
		"2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// nat64 is the well-known NAT64 prefix: its addresses reach the IPv4 address in their last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// publicAddr reports whether a is an ordinary public unicast address. IPv4-mapped IPv6 and NAT64
// addresses are judged by the IPv4 address they reach; zoned addresses are never public.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if a.Zone() != "" {
		return false
	}
	if nat64.Contains(a) {
		b := a.As16()
		return publicAddr(netip.AddrFrom4([4]byte(b[12:])))
	}
	if !a.IsGlobalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

func publicIP(ip net.IP) bool {
	a, ok := netip.AddrFromSlice(ip)
	return ok && publicAddr(a)
}

// numericHost reports whether host is not a literal address in canonical form but would be read as
// one by a URL parser or a resolver (WHATWG URL: a host whose last label is a number is IPv4):
// 2130706433, 0x7f000001, 127.1, 0177.0.0.1, 127.0.0.1. (with the root dot).
func numericHost(host string) bool {
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	last := strings.ToLower(labels[len(labels)-1])
	if strings.HasPrefix(last, "0x") {
		last = last[2:]
		return strings.Trim(last, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}
