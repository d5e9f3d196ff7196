package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * A node's load as its balancer measures it: the reply of {@link dev.caravan.wire.Op#BALANCE_PROBE}.
 * Each load is a fraction of the node's capacity in thousandths (1000 = full; it may exceed 1000
 * for the request rate), measured over the balancer's last period.
 *
 * <pre>
 * report := string nodeId, bool schedulable, string mode, i32 cpuPermille, i32 memoryPermille, i32 ratePermille,
 *           i64 commandsPerSecond, i32 processCount, bool migrating, i64 probesSent, i64 probesFound
 * </pre>
 *
 * @param schedulable       false while cordoned: the node takes no process, pushed or pulled
 * @param mode              the node's balancing mode: off, push, pull or both
 * @param cpuPermille       the node JVM's CPU use in thousandths of the machine, -1 if unknown
 * @param memoryPermille    reserved paged memory in thousandths of the node's process-memory capacity
 * @param ratePermille      commands served per second in thousandths of the node's rate capacity
 *                          ({@code --balance-rate-capacity})
 * @param commandsPerSecond commands served per second by all its processes over the last period
 * @param processCount      processes hosted
 * @param migrating         true while a balancing migration from or to this node is in flight
 * @param probesSent        BALANCE_PROBEs this node's balancer has sent since it started (push and pull alike,
 *                          answered or not; a running count, never reset by a mode change)
 * @param probesFound       of those, the probes that found a partner: for a push an idle, schedulable node not
 *                          in a balancing migration; for a pull a node above the high threshold not in one.
 *                          {@code probesSent - probesFound} probes were wasted
 */
public record LoadReport(String nodeId, boolean schedulable, String mode, int cpuPermille, int memoryPermille,
                         int ratePermille, long commandsPerSecond, int processCount, boolean migrating, long probesSent,
                         long probesFound) {

    public void writeTo(BodyWriter w) {
        w.string(nodeId).bool(schedulable).string(mode).i32(cpuPermille).i32(memoryPermille).i32(ratePermille)
                .i64(commandsPerSecond).i32(processCount).bool(migrating).i64(probesSent).i64(probesFound);
    }

    public static LoadReport readFrom(BodyReader r) {
        return new LoadReport(r.string(), r.bool(), r.string(), r.i32(), r.i32(), r.i32(), r.i64(), r.i32(), r.bool(), r.i64(), r.i64());
    }
}
