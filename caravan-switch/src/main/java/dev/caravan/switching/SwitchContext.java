package dev.caravan.switching;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingService;

/**
 * What a front end gets from the switch that runs it.
 *
 * <p>Threading: thread-safe.
 */
public interface SwitchContext {
    /** The dispatcher of one route of a front end (created on first use, closed with the front end). */
    Dispatcher dispatcher(FrontendSpec frontend, Route route);

    /** The cluster's naming (for process lookups and watches). */
    NamingService naming();

    Clock clock();

    /** The cluster token that opens session links to data endpoints ("" for none). */
    String linkToken();

    /**
     * The transport of the switch's session links to data endpoints ({@link TlsSessionLinks}):
     * the switch's {@code --tls} identity, or plaintext.
     */
    default dev.caravan.wire.security.TransportSecurity linkSecurity() {
        return dev.caravan.wire.security.TransportSecurity.plaintext();
    }

    /** The switch's id (for example {@code s1}), for logs and naming entries. */
    String switchId();

    /**
     * The Netty event loops the switch's front ends share; the switch owns them and closes them
     * when it stops, after its front ends. Contexts that never start a Netty front end (tests of
     * other front ends) need not have them.
     *
     * @throws dev.caravan.wire.CaravanException NOT_SUPPORTED when this context has none
     */
    default dev.caravan.switching.transport.SwitchEventLoops eventLoops() {
        throw dev.caravan.wire.ErrorCode.NOT_SUPPORTED.exception("this switch context has no event loops");
    }
}
