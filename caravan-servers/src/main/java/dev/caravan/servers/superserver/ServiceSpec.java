package dev.caravan.servers.superserver;

import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.ErrorCode;

/**
 * One service the superserver listens for (one line of its config file).
 *
 * @param name          service name
 * @param port          port to listen on (0 = any free port, for tests)
 * @param model         server model the service runs once started
 * @param protocol      a {@link ProtocolCatalog} name
 * @param separateJvm   start the service in a child JVM and pass it each connection's
 *                      descriptor, instead of in the superserver's own JVM
 * @param idleTimeoutMs stop the service after this long without connections
 */
public record ServiceSpec(String name, int port, ServerModel model, String protocol, boolean separateJvm, long idleTimeoutMs) {
    public ServiceSpec {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw ErrorCode.INVALID_ARGUMENT.exception("service name '" + name + "' must be 1..64 of [A-Za-z0-9._-]");
        }
        if (port < 0 || port > 65535) {
            throw ErrorCode.INVALID_ARGUMENT.exception("service " + name + ": port " + port + " outside 0..65535");
        }
        ProtocolCatalog.check(protocol);
        if (idleTimeoutMs < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("service " + name + ": idle timeout must be positive");
        }
    }
}
