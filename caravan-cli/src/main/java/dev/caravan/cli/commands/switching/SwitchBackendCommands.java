package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.switching.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code caravan switch weight | drain | enable | disable BACKEND}: runtime control of one backend in every route that has it. */
public final class SwitchBackendCommands {
    private SwitchBackendCommands() {
    }

    /** The shared body: POST /backends/ID/ACTION and print the outcome. */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        SwitchTarget target;

        @Parameters(index = "0", paramLabel = "BACKEND", description = "the backend (process name)")
        String backend;

        abstract String action();

        String describe(JsonNode reply) {
            return "backend " + backend + ": " + reply.path("admin").asText();
        }

        @Override
        public Integer call() throws Exception {
            JsonNode reply = target.client().post("/backends/" + AdminClient.segment(backend) + "/" + action(), null);
            if (target.json) {
                SwitchTarget.printJson(reply);
            } else {
                System.out.println(describe(reply));
            }
            return 0;
        }
    }

    @Command(name = "weight", mixinStandardHelpOptions = true, description = "Set a backend's weight (1..256) in every route that has it; round robin and affinity ignore weights.")
    public static final class Weight extends Action {
        @Parameters(index = "1", paramLabel = "N", description = "the new weight, 1..256")
        int weight;

        @Override
        String action() {
            return "weight?value=" + weight;
        }

        @Override
        String describe(JsonNode reply) {
            return "backend " + backend + ": weight " + reply.path("weight").asInt()
                    + " (used by weighted-round-robin, least-connections, power-of-two and the load bound of consistent-hash;"
                    + " round robin and affinity ignore weights)";
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Drain a backend: no new sessions; existing ones finish (or move with their process).")
    public static final class Drain extends Action {
        @Override
        String action() {
            return "drain";
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Let a drained or disabled backend take new work again.")
    public static final class Enable extends Action {
        @Override
        String action() {
            return "enable";
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Take a backend out: nothing new, and no health probes.")
    public static final class Disable extends Action {
        @Override
        String action() {
            return "disable";
        }
    }
}
