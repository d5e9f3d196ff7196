package dev.caravan.servers.line;

/**
 * Answers one request line of a {@link LineProtocol}.
 *
 * <p>Threading: called from the model's serving threads, concurrently for different
 * connections; implementations are thread-safe. Calls for one connection come in order.
 */
@FunctionalInterface
public interface LineHandler {
    /**
     * @param line the request without its line end
     * @return the reply line (no '\n')
     * @throws dev.caravan.wire.CaravanException answered as {@code ERR CODE message}; the
     *                                           connection stays open
     * @throws InterruptedException when the serving thread is interrupted (server closing)
     */
    String onLine(String line) throws InterruptedException;
}
