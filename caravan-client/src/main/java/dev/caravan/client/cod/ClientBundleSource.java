package dev.caravan.client.cod;

import dev.caravan.client.CaravanClient;
import dev.caravan.wire.node.ClientBundleProtocol;

/**
 * Where {@link CodeOnDemand} gets a process's client bundle from: normally the node hosting the
 * process ({@link #of(CaravanClient)}); tests give their own.
 */
@FunctionalInterface
public interface ClientBundleSource {
    /**
     * What {@code process} publishes, without the jar's bytes when {@code cachedHash} is current.
     *
     * @param cachedHash  the hash of the copy the client holds, or ""
     * @param maxJarBytes the largest jar to accept (TOO_LARGE before copying a larger one)
     * @throws dev.caravan.wire.CaravanException NOT_FOUND when it publishes none (or no such process), TOO_LARGE
     */
    ClientBundleProtocol.Reply fetch(String process, String cachedHash, int maxJarBytes);

    /** Asks the node the process runs on now, following it if it moves while asked. */
    static ClientBundleSource of(CaravanClient client) {
        return new LocatedBundleSource(client);
    }
}
