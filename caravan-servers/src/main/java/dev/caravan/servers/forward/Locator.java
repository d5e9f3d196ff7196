package dev.caravan.servers.forward;

import java.net.InetSocketAddress;

/**
 * Where a process's data endpoint is now (its "care-of address"), as naming says.
 *
 * <p>Threading: called by any forwarding thread; may block for a naming round trip.
 */
@FunctionalInterface
public interface Locator {
    /**
     * @return the data endpoint's address, or null when the process is not registered now
     * @throws dev.caravan.wire.CaravanException when naming cannot be asked (treated as "not now")
     */
    InetSocketAddress current();
}
