package dev.caravan.client.cod;

import java.util.List;

/**
 * Client-side code a service publishes for its clients (code on demand): a typed stub, a protocol
 * codec — whatever its clients need to speak to it that a generic client does not know.
 *
 * <p>The entry class of a client bundle implements this interface and has a public no-argument
 * constructor. {@link CodeOnDemand#fetch} loads it in a class loader of its own whose parent is
 * the client library's loader, so it sees this package, {@code dev.caravan.wire.command} (to build
 * commands and read replies) and the JDK, and nothing of the application that loaded it.
 *
 * <p>Threading: one instance is used by one thread at a time.
 */
public interface ClientCode {
    /** One line saying what the service is and what this code does for its clients. */
    String describe();

    /**
     * What it can do, one usage line per operation (e.g. {@code "post AMOUNT CURRENCY MEMO  records a payment"}),
     * listed by {@code caravan use PROCESS --list}.
     */
    List<String> commands();

    /**
     * Runs one operation given as text arguments (as typed after {@code caravan use PROCESS}),
     * talking to the service through {@code transport}.
     *
     * @return what to show the user; {@link Result#failed} for a usage mistake or a refusal
     */
    Result run(Transport transport, List<String> args);
}
