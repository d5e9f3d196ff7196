package dev.caravan.node.balance;

/**
 * One process's share of its node's load, in the balancer's metric (a fraction of the node's capacity).
 *
 * @param name the process
 * @param load what moving it would take off this node and add to the receiver (same units on both: nodes of a
 *             cluster are taken to have the same capacity)
 */
public record ProcessLoad(String name, double load) {
}
