package dev.caravan.client.cod;

import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ClientBundleProtocol;

/**
 * Asks the node that hosts a process for its client bundle: looks the process up in naming and,
 * when that node answers NOT_HERE or does not answer (the process has just moved), looks it up
 * again, a few times with growing pauses.
 */
final class LocatedBundleSource implements ClientBundleSource {
    private static final int ATTEMPTS = 8;

    private final CaravanClient client;

    LocatedBundleSource(CaravanClient client) {
        this.client = client;
    }

    @Override
    public ClientBundleProtocol.Reply fetch(String process, String cachedHash, int maxJarBytes) {
        CaravanException last = null;
        long pauseMs = 20;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Location at = client.resolve(process).orElseThrow(() ->
                    ErrorCode.NOT_FOUND.exception("no process named '" + process + "' is registered"));
            try {
                return client.node(at.control()).clientBundle(process, cachedHash, maxJarBytes);
            } catch (CaravanException e) {
                if (e.code() != ErrorCode.NOT_HERE && e.code() != ErrorCode.UNAVAILABLE) {
                    throw e;
                }
                last = e;
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ErrorCode.UNAVAILABLE.exception("interrupted while fetching the client code of " + process);
            }
            pauseMs = Math.min(500, pauseMs * 2);
        }
        throw new CaravanException(last.code(), "could not fetch the client code of " + process + ": " + last.getMessage(), last);
    }
}
