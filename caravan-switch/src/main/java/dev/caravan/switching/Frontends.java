package dev.caravan.switching;

import dev.caravan.wire.ErrorCode;

/**
 * The one place the switch creates front ends: picks the implementation for a spec's mode and
 * protocol. Every implementation has a constructor {@code (FrontendSpec, SwitchContext)} that
 * binds and starts serving.
 *
 * <p>Threading: stateless; thread-safe.
 */
public final class Frontends {
    private Frontends() {
    }

    /**
     * Starts the front end {@code spec} declares.
     *
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE when the address cannot be bound,
     *                                           NOT_SUPPORTED for a mode not built in this build
     */
    public static Frontend start(FrontendSpec spec, SwitchContext context) {
        return switch (spec.mode()) {
            // Each case is filled in at merge with the implementation's constructor.
            case TRANSPORT -> notBuilt("TransportFrontend (transport-level " + spec.protocol() + ")");
            case CONTENT -> switch (spec.protocol()) {
                case HTTP -> notBuilt("HttpContentFrontend (content-aware HTTP)");
                case RESP -> notBuilt("RespContentFrontend (content-aware RESP)");
                case TCP -> throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name()
                        + ": content-aware dispatch needs http or resp, not tcp");
            };
            case PROCESS -> notBuilt("ProcessFrontend (stateful RESP by process name)");
            case HANDOFF -> notBuilt("HandoffFrontend (TCP handoff)");
        };
    }

    private static Frontend notBuilt(String what) {
        throw ErrorCode.NOT_SUPPORTED.exception(what + " not built yet");
    }

    /** How the switch starts front ends (tests inject fakes). */
    @FunctionalInterface
    public interface Starter {
        Frontend start(FrontendSpec spec, SwitchContext context);
    }
}
