package dev.caravan.servers.endpoint;

import dev.caravan.wire.ErrorCode;

import java.util.List;

/**
 * One line of a services file: {@code caravan-naming 7400/tcp naming}.
 *
 * @param name     the service's official name
 * @param port     1..65535
 * @param protocol transport, lower case ("tcp", "udp")
 * @param aliases  other names the service answers to (immutable)
 */
public record WellKnownService(String name, int port, String protocol, List<String> aliases) {
    public WellKnownService {
        if (name == null || name.isBlank()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("service name is empty");
        }
        if (port < 1 || port > 0xFFFF) {
            throw ErrorCode.INVALID_ARGUMENT.exception("port " + port + " outside 1..65535");
        }
        aliases = List.copyOf(aliases);
    }

    /** Whether {@code n} is the name or one of the aliases. */
    public boolean answersTo(String n) {
        return name.equals(n) || aliases.contains(n);
    }
}
