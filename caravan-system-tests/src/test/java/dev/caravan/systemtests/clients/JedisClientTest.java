package dev.caravan.systemtests.clients;

import dev.caravan.wire.node.MigrationMode;

/** Jedis (Maven Central), the classic single-connection client, with its defaults; moved by pre-copy. */
class JedisClientTest extends JavaClientTestBase {
    @Override
    String library() {
        return "jedis";
    }

    @Override
    MigrationMode migrationMode() {
        return MigrationMode.PRE_COPY;
    }

    @Override
    ClientChecklist checklist(String host, int port, String password) {
        return new JedisChecklist(host, port, password);
    }
}
