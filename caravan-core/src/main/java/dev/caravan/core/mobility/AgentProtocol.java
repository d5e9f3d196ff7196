package dev.caravan.core.mobility;

/**
 * The names a mobile agent and {@code caravan agent} agree on.
 *
 * <p>An agent runs as the process {@code agent-<id>} (its clones {@code agent-<id>.<k>}), deployed
 * on its home node with its {@link Itinerary} in its settings. Home again, its loop serves
 * {@value #RESULTS} (a bulk string: the results, one line per finding) and {@value #STOP} (answers
 * OK, and the loop returns, which stops the process). A clone that comes home serves the same
 * two commands; its parent, home too, collects a clone's results with {@value #RESULTS} through
 * {@link dev.caravan.core.process.ProcessContext#callLocal} and then sends it {@value #STOP}.
 */
public final class AgentProtocol {
    /** Process names of agents start with this. */
    public static final String NAME_PREFIX = "agent-";
    /** Asks an agent (at home) for its results: a bulk string, one line per finding. */
    public static final String RESULTS = "AGENT.RESULTS";
    /** Ends an agent at home: it answers OK and its loop returns. */
    public static final String STOP = "AGENT.STOP";

    private AgentProtocol() {
    }

    /** The process name of agent {@code id}. */
    public static String processName(String id) {
        return NAME_PREFIX + id;
    }

    /** The process name of clone {@code k} (1-based) of the agent process {@code agentName}. */
    public static String cloneName(String agentName, int k) {
        return agentName + "." + k;
    }

    /** The agent id in a process name ({@code agent-<id>} or a clone's), or "" when it is not an agent's. */
    public static String agentId(String processName) {
        if (!processName.startsWith(NAME_PREFIX)) {
            return "";
        }
        String rest = processName.substring(NAME_PREFIX.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
