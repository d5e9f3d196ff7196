package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * What a node reports about a process it hosts (reply of NODE_START, NODE_INSPECT, and the
 * elements of NODE_LIST).
 *
 * <pre>
 * info := string id, string name, string node, string state, i64 epoch, string dataHost,
 *         i32 dataPort, string front, string bundle, string className, i64 allocatedPages, i64 dirtyPages,
 *         i64 memoryBytes, i64 commandsServed, i32 queuedCommands, string stateDetail
 * </pre>
 *
 * <p>{@code state} is the process's lifecycle state (RUNNING, SUSPENDED, STOPPED, FAILED) or
 * what the node makes of it: BUSY when one command (or hook) has been running longer than the
 * node's busy threshold, STUCK when the process did not stop by its deadline and was abandoned.
 * {@code stateDetail} says why ("" when there is nothing to say): the command and for how long,
 * the reason a process FAILED, what a STUCK process still holds.
 *
 * <p>{@code front} is the process's stable endpoint (host:port on its home node; "" if none):
 * clients that know nothing of Caravan connect there and keep their connection while the
 * process moves. {@code memoryBytes} is the off-heap memory the process holds now (allocated chunks), not
 * the capacity it was started with.
 */
public record ProcessInfo(String id, String name, String node, String state, long epoch, String dataHost,
                          int dataPort, String front, String bundle, String className, long allocatedPages, long dirtyPages,
                          long memoryBytes, long commandsServed, int queuedCommands, String stateDetail) {

    /** The same report with another state detail. */
    public ProcessInfo withStateDetail(String detail) {
        return new ProcessInfo(id, name, node, state, epoch, dataHost, dataPort, front, bundle, className, allocatedPages,
                dirtyPages, memoryBytes, commandsServed, queuedCommands, detail);
    }

    public void writeTo(BodyWriter w) {
        w.string(id).string(name).string(node).string(state).i64(epoch).string(dataHost).i32(dataPort).string(front)
                .string(bundle).string(className).i64(allocatedPages).i64(dirtyPages).i64(memoryBytes)
                .i64(commandsServed).i32(queuedCommands).string(stateDetail);
    }

    public static ProcessInfo readFrom(BodyReader r) {
        return new ProcessInfo(r.string(), r.string(), r.string(), r.string(), r.i64(), r.string(), r.i32(), r.string(),
                r.string(), r.string(), r.i64(), r.i64(), r.i64(), r.i64(), r.i32(), r.string());
    }

    /** host:port of the data endpoint. */
    public String dataEndpoint() {
        return dataHost + ":" + dataPort;
    }
}
