package dev.caravan.launch;

import dev.caravan.wire.ErrorCode;

import java.util.List;

/**
 * Where one daemon JVM runs: the command that launches it ({@code commandPrefix} before
 * {@code java}, passed to {@link ChildJvm#start(String, List, List, Class, List, java.nio.file.Path)})
 * and the address it listens on and advertises ({@code --bind}). {@link #LOOPBACK} is this machine's
 * 127.0.0.1 with no prefix; a network-namespace test host is {@code ip netns exec h2} with its bridge
 * address (see {@link Placement#spread}).
 *
 * @param label         a short name for messages and logs (the host's name, or {@code local})
 * @param commandPrefix words before {@code java}; must exec the JVM, not fork it
 * @param bindAddress   an IP address (or host name) the daemon binds every listener to and advertises
 */
public record DaemonPlace(String label, List<String> commandPrefix, String bindAddress) {
    /** 127.0.0.1 on this machine, as every daemon runs without a placement. */
    public static final DaemonPlace LOOPBACK = new DaemonPlace("local", List.of(), "127.0.0.1");

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a blank label or bind address */
    public DaemonPlace {
        if (label == null || label.isBlank() || bindAddress == null || bindAddress.isBlank()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a daemon place needs a label and a bind address, got '" + label + "', '"
                    + bindAddress + "'");
        }
        commandPrefix = List.copyOf(commandPrefix);
    }
}
