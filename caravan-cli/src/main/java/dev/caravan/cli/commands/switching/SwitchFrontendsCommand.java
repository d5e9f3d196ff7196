package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code caravan switch frontends}: the switch's front ends, where they listen, and their counters. */
@Command(name = "frontends", mixinStandardHelpOptions = true, description = "List the switch's front ends.")
public final class SwitchFrontendsCommand implements Callable<Integer> {
    @Mixin
    SwitchTarget target;

    @Override
    public Integer call() throws Exception {
        JsonNode reply = target.client().get("/frontends");
        if (target.json) {
            SwitchTarget.printJson(reply);
            return 0;
        }
        String row = "%-20s %-21s %-8s %-9s %7s %10s %8s  %s%n";
        System.out.printf(Locale.ROOT, row, "NAME", "ADDRESS", "PROTOCOL", "MODE", "CLIENTS", "DISPATCHED", "REFUSED", "BACKENDS");
        for (JsonNode f : reply.get("frontends")) {
            List<String> selectors = new ArrayList<>();
            f.path("spec").path("routes").forEach(r -> selectors.add(r.path("backends").asText() + " " + r.path("policy").asText()));
            System.out.printf(Locale.ROOT, row, f.get("name").asText(), f.get("address").asText(), f.get("protocol").asText(),
                    f.get("mode").asText(), f.get("clientConnections").asInt(), f.get("dispatched").asLong(),
                    f.get("refused").asLong(), String.join(", ", selectors));
        }
        if (reply.get("frontends").isEmpty()) {
            System.out.println("(no front ends; declare them in the config file, see docs/switch.md)");
        }
        return 0;
    }
}
