package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import dev.caravan.cli.out.Json;
import dev.caravan.cli.out.Style;
import dev.caravan.cli.out.Table;
import java.util.concurrent.Callable;

/** {@code caravan switch frontends}: the switch's front ends, where they listen, and their counters. */
@Command(name = "frontends", mixinStandardHelpOptions = true, description = "List the switch's front ends (with several switches, any of them unless --id or --switch picks one: they share their declared front ends).")
public final class SwitchFrontendsCommand implements Callable<Integer> {
    @Mixin
    SwitchTarget target;

    @Override
    public Integer call() throws Exception {
        // The declared front ends are shared by every switch of a front tier: any switch shows them.
        JsonNode reply = target.clientOfAnySwitch().get("/frontends");
        if (target.json) {
            SwitchTarget.printJson(reply);
            return 0;
        }
        // Columns are the admin API's fields (the same names as --json); ROUTES shows spec.routes as "backends policy".
        Table table = Table.of(Table.col("name"), Table.col("address"), Table.col("protocol"), Table.col("mode"),
                Table.col("clientConnections"), Table.col("dispatched"), Table.col("refused"), Table.col("routes"));
        for (JsonNode f : reply.get("frontends")) {
            List<String> selectors = new ArrayList<>();
            f.path("spec").path("routes").forEach(r -> selectors.add(r.path("backends").asText() + " " + r.path("policy").asText()));
            java.util.Map<String, Object> row = Json.fields(f);
            row.put("routes", String.join(", ", selectors));
            table.row(row);
        }
        table.print(System.out, Style.forOutput(false));
        if (reply.get("frontends").isEmpty()) {
            System.out.println("(no front ends; declare them in the config file, see docs/switch.md)");
        }
        return 0;
    }
}
