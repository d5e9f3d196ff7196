/**
 * The cluster front end — the chapter's logical switch, the first of three tiers (switch →
 * processes on nodes → their storage). A {@link dev.caravan.switching.Frontend} listens for
 * clients and dispatches their connections (transport-level) or their requests (content-aware)
 * to backends: the processes of a service, found in naming and followed as they move.
 *
 * <p>Roles (van Steen &amp; Tanenbaum, Distributed Systems, ch. 3 "Server clusters"): a
 * <em>dispatcher</em> picks the server ({@link dev.caravan.switching.Dispatcher}, with a
 * {@link dev.caravan.switching.policy.Policy}); <em>distributors</em> carry the connection there
 * (splicing, per-request forwarding, or a TCP handoff of the client's socket to the node).
 *
 * <p>Layering: knows wire, core, naming and the server toolkit; never the node.
 */
package dev.caravan.switching;
