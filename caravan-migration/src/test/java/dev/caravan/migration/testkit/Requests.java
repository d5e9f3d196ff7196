package dev.caravan.migration.testkit;

import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationRequest;

/** Migration requests as the CLI builds them: 50 ms downtime budget, 30 rounds, 2 hybrid rounds. */
public final class Requests {
    private Requests() {
    }

    public static MigrationRequest move(String name, String toNode, MigrationMode mode) {
        return move(name, toNode, mode, "");
    }

    /** @param fault {@code role:action:phase}, "" for none */
    public static MigrationRequest move(String name, String toNode, MigrationMode mode, String fault) {
        return new MigrationRequest(name, toNode, mode, 50, 30, 2, false, "", fault);
    }

    public static MigrationRequest copy(String name, String toNode, String newName, MigrationMode mode) {
        return new MigrationRequest(name, toNode, mode, 50, 30, 2, true, newName, "");
    }
}
