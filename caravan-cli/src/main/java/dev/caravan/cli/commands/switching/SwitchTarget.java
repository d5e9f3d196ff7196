package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.naming.NamingService;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.wire.net.HostPort;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Options of every {@code caravan switch} control command: which switch (naming's {@code switch/} or {@code --switch}), and {@code --json}. */
public final class SwitchTarget {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--switch", paramLabel = "HOST:PORT", converter = dev.caravan.cli.options.HostPortConverter.class, description = "the switch's admin API (default: found in naming)")
    String address;

    @Option(names = "--id", paramLabel = "ID", description = "which switch, when naming lists several")
    String id;

    @Option(names = "--json", description = "print the admin API's JSON reply")
    boolean json;

    /** A client for the chosen switch's admin API. */
    AdminClient client() {
        return new AdminClient(adminAddress(), cluster.token(), Duration.ofSeconds(10));
    }

    private InetSocketAddress adminAddress() {
        if (address != null) {
            return HostPort.parse(address);
        }
        try (NamingService naming = cluster.naming("cli")) {
            return AdminClient.find(naming, id);
        }
    }

    /** Prints {@code reply} as indented JSON. */
    static void printJson(JsonNode reply) throws Exception {
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(reply));
    }
}
