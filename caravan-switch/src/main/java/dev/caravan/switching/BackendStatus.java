package dev.caravan.switching;

/**
 * One backend of a route as the admin API and {@code caravan switch backends} show it.
 *
 * @param id              the process name
 * @param address         host:port of its data endpoint now
 * @param node            the node it runs on now
 * @param admin           what an operator set
 * @param healthy         what health checks say
 * @param weight          configured weight
 * @param effectiveWeight weight in force now (lower during slow start; 0 when not eligible)
 * @param active          connections or requests in flight to it now
 * @param served          tickets completed so far
 * @param failed          tickets that reported a failure so far
 */
public record BackendStatus(String id, String address, String node, AdminState admin, boolean healthy, int weight,
                            int effectiveWeight, int active, long served, long failed) {
}
