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
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE when the address cannot be bound
     */
    public static Frontend start(FrontendSpec spec, SwitchContext context) {
        return switch (spec.mode()) {
            case TRANSPORT -> new dev.caravan.switching.transport.TransportFrontend(spec, context, context.eventLoops());
            case CONTENT -> switch (spec.protocol()) {
                case HTTP -> new dev.caravan.switching.http.HttpContentFrontend(spec, context, context.eventLoops());
                case RESP -> new dev.caravan.switching.resp.RespContentFrontend(spec, context);
                case TCP -> throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name()
                        + ": content-aware dispatch needs http or resp, not tcp");
            };
            case PROCESS -> new dev.caravan.switching.process.ProcessFrontend(spec, context);
            case HANDOFF -> new dev.caravan.switching.handoff.HandoffFrontend(spec, context);
        };
    }

    /** How the switch starts front ends (tests inject fakes). */
    @FunctionalInterface
    public interface Starter {
        Frontend start(FrontendSpec spec, SwitchContext context);
    }
}
