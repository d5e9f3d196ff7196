package dev.caravan.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Sources of sample mobile agents, for the docs, the system tests and whoever builds an agent
 * bundle from them: {@code agents.SearchAgent} searches the processes hosted on each node of its
 * itinerary and brings the list home (see docs/code-mobility.md, "Mobile agents").
 */
public final class AgentSamples {
    /** The binary name of the search agent's class. */
    public static final String SEARCH_AGENT_CLASS = "agents.SearchAgent";

    private AgentSamples() {
    }

    /** The Java source of {@value #SEARCH_AGENT_CLASS}. */
    public static String searchAgentSource() {
        try (InputStream in = AgentSamples.class.getResourceAsStream("agent/SearchAgent.java")) {
            if (in == null) {
                throw new IllegalStateException("the search agent's source is missing from caravan-templates");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
