package dev.caravan.servers.superserver;

import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerOptions;

import java.nio.channels.SocketChannel;

/** A service started in the superserver's JVM: an adopt-only server of the spec's model. */
final class InProcessService implements ServiceInstance {
    private final Server server;

    InProcessService(ServiceSpec spec) {
        server = spec.model().start(ProtocolCatalog.create(spec.protocol()), ServerOptions.defaults().adoptOnly().withName(spec.name()));
    }

    @Override
    public void adopt(SocketChannel ch) {
        server.adopt(ch);
    }

    @Override
    public int activeConnections() {
        return server.activeConnections();
    }

    @Override
    public boolean alive() {
        return true;
    }

    @Override
    public String where() {
        return "in-process";
    }

    @Override
    public void close() {
        server.close();
    }
}
