package dev.caravan.cli.commands.agent;

import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.core.mobility.AgentProtocol;
import dev.caravan.core.mobility.AgentStatus;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code caravan agent} asks of the cluster: the agents registered in naming
 * ({@code process/agent-<id>} and clones {@code agent-<id>.<k>}), each one's status line read with
 * NODE_INSPECT from the node that hosts it, and NODE_AGENT_RECALL.
 */
final class AgentCalls {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private AgentCalls() {
    }

    /**
     * One agent process as seen now.
     *
     * @param state  the agent's state label, or the process's own state when it publishes none (e.g. MOVING while in flight)
     * @param status its parsed status line, if it published one
     */
    record Sighting(String id, String process, String node, InetSocketAddress control, String state,
                    Optional<AgentStatus> status, String detail) {
        boolean isClone() {
            return process.indexOf('.') >= 0;
        }

        boolean settled() {
            return status.map(s -> s.state() == AgentStatus.State.DONE || s.state() == AgentStatus.State.FAILED).orElse(false);
        }

        String hop() {
            return status.map(s -> s.hop() + "/" + s.hops()).orElse("");
        }

        Map<String, Object> row() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("process", process);
            m.put("node", node);
            m.put("hop", hop());
            m.put("state", state);
            m.put("detail", detail);
            return m;
        }
    }

    /** The agent id in "ID" or "agent-ID". */
    static String id(String arg) {
        String id = arg.startsWith(AgentProtocol.NAME_PREFIX) ? AgentProtocol.agentId(arg) : arg;
        if (id.isEmpty() || id.indexOf('.') >= 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("an agent id looks like 7f3a9c1e (or agent-7f3a9c1e), got '" + arg + "'");
        }
        return id;
    }

    /** Every agent process registered now (of agent {@code id} only, when not null), in name order. */
    static List<Sighting> find(CaravanClient client, String id) {
        String prefix = "process/" + (id == null ? AgentProtocol.NAME_PREFIX : AgentProtocol.processName(id));
        List<Sighting> out = new ArrayList<>();
        for (NamingEntry e : client.naming().list(prefix)) {
            String process = e.name().substring("process/".length());
            if (id != null && !AgentProtocol.agentId(process).equals(id)) {
                continue;
            }
            out.add(sight(client, process).orElse(null));
        }
        out.removeIf(java.util.Objects::isNull);
        out.sort((a, b) -> a.process().compareTo(b.process()));
        return out;
    }

    /** One agent process, read where naming says it is; empty when it is not registered. */
    static Optional<Sighting> sight(CaravanClient client, String process) {
        Optional<Location> at = client.resolve(process);
        if (at.isEmpty()) {
            return Optional.empty();
        }
        Location l = at.get();
        String agentId = AgentProtocol.agentId(process);
        try {
            ProcessInfo info = client.node(l.control()).inspect(process);
            Optional<AgentStatus> status = AgentStatus.parse(info.stateDetail());
            String state = status.map(s -> s.state().label()).orElse(info.state().toLowerCase(java.util.Locale.ROOT));
            String detail = status.map(AgentStatus::detail).orElse(info.stateDetail());
            return Optional.of(new Sighting(agentId, process, l.node(), l.control(), state, status, detail));
        } catch (CaravanException e) {
            // Moved between the lookup and the question: in flight.
            return Optional.of(new Sighting(agentId, process, l.node(), l.control(), "moving", Optional.empty(), e.getMessage()));
        }
    }

    /** Asks the node at {@code control} to recall {@code process} (NODE_AGENT_RECALL). */
    static void recall(InetSocketAddress control, String token, String process) {
        try (FrameClient c = FrameClient.connect(control, new Hello("cli", token), CALL_TIMEOUT, dev.caravan.wire.net.ClientTransport.current())) {
            c.call(Op.NODE_AGENT_RECALL, new BodyWriter().string(process).toBytes(), CALL_TIMEOUT).expectOk();
        }
    }
}
