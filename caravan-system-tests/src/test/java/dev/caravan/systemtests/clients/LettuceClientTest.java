package dev.caravan.systemtests.clients;

import dev.caravan.wire.node.MigrationMode;

/** Lettuce (Maven Central) with its defaults, RESP3 first; moved by post-copy. */
class LettuceClientTest extends JavaClientTestBase {
    @Override
    String library() {
        return "lettuce";
    }

    @Override
    MigrationMode migrationMode() {
        return MigrationMode.POST_COPY;
    }

    @Override
    ClientChecklist checklist(String host, int port, String password) {
        return new LettuceChecklist(host, port, password);
    }
}
