package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.switching.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code caravan switch remove NAME}: closes a declared front end (and its client connections) in the running switch. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a declared front end from the running switch; its client connections close."
                + " Automatic front ends (process-*, service-*) follow naming and cannot be removed.")
public final class SwitchRemoveCommand implements Callable<Integer> {
    @Mixin
    SwitchTarget target;

    @Parameters(paramLabel = "NAME", description = "the front end")
    String name;

    @Override
    public Integer call() throws Exception {
        JsonNode reply = target.client().delete("/frontends/" + AdminClient.segment(name));
        if (target.json) {
            SwitchTarget.printJson(reply);
        } else {
            System.out.println("front end " + reply.path("removed").asText(name) + " removed");
        }
        return 0;
    }
}
