package dev.caravan.switching;

import dev.caravan.servers.forward.ProcessForwarder;
import dev.caravan.servers.forward.TlsLinkOpener;

/**
 * How a switch that runs with {@code --tls DIR} dials its session links to a process
 * ({@link TlsLinkOpener}): over mutual TLS to the process's RESP-over-TLS port, with the switch's
 * identity ({@link SwitchContext#linkSecurity}); never plaintext. A plaintext switch dials
 * plaintext, as before.
 */
public final class TlsSessionLinks {
    private TlsSessionLinks() {
    }

    /** The opener for {@code process}'s forwarder: null (plaintext links) unless the switch runs TLS. */
    public static ProcessForwarder.LinkOpener opener(SwitchContext context, String process) {
        return TlsLinkOpener.over(context.linkSecurity(), context.naming(), process, context.linkToken(), context.clock()::nanoTime);
    }
}
