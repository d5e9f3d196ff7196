/**
 * The DNS dispatcher ({@code caravan dns serve}): an authoritative DNS responder for the
 * cluster's zone that answers a service name with the replica closest to the asking client.
 * {@link dev.caravan.switching.dns.ZoneWatcher} turns naming into a
 * {@link dev.caravan.switching.dns.ZoneSnapshot}; {@link dev.caravan.switching.dns.DnsResponder}
 * answers one query from it (closeness from a {@link dev.caravan.switching.dns.Topology});
 * {@link dev.caravan.switching.dns.DnsServer} owns the UDP and TCP sockets.
 */
package dev.caravan.switching.dns;
