package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.switching.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import dev.caravan.cli.out.Json;
import dev.caravan.cli.out.Style;
import dev.caravan.cli.out.Table;
import java.util.concurrent.Callable;

/** {@code caravan switch backends [FRONTEND]}: every backend of every route, with its state and load. */
@Command(name = "backends", mixinStandardHelpOptions = true, description = "List backends (of one front end, or all) with state and load.")
public final class SwitchBackendsCommand implements Callable<Integer> {
    @Mixin
    SwitchTarget target;

    @Parameters(paramLabel = "FRONTEND", arity = "0..1", description = "only this front end's backends")
    String frontend;

    @Override
    public Integer call() throws Exception {
        JsonNode reply = target.client().get("/backends" + (frontend == null ? "" : "?frontend=" + AdminClient.segment(frontend)));
        if (target.json) {
            SwitchTarget.printJson(reply);
            return 0;
        }
        // Columns are the admin API's fields (the same names as --json): see dev.caravan.cli.out.Table.
        Table table = Table.of(Table.col("frontend"), Table.col("id"), Table.col("address"), Table.col("node"), Table.col("mode"),
                Table.col("admin").asState(), Table.col("healthy", Boolean.class, h -> h ? "yes" : "no"), Table.col("weight"),
                Table.col("effectiveWeight"), Table.col("active"), Table.col("served"), Table.col("failed"));
        for (JsonNode b : reply.get("backends")) {
            table.row(Json.fields(b));
        }
        table.print(System.out, Style.forOutput(false));
        if (reply.get("backends").isEmpty()) {
            System.out.println("(no backends)");
        }
        return 0;
    }
}
