package dev.caravan.mobility.continuation;

/**
 * Where a loop is suspended: the suspension point of {@link dev.caravan.core.mobility.LoopContext}
 * it called, with what the runtime needs to resume it. Written into the continuation format.
 */
public sealed interface Suspension {
    /** {@code receive()}: resumed with the next {@link dev.caravan.core.mobility.Request}. */
    record Receive() implements Suspension {
    }

    /** {@code sleep(ms)}: resumed once the injected clock reads {@code untilMs} or later. */
    record Sleep(long untilMs) implements Suspension {
    }

    /** {@code moveTo(target)}: resumed with a {@link dev.caravan.core.mobility.MoveResult}. */
    record Move(String target) implements Suspension {
    }

    /** {@code cloneTo(target, cloneName)}: resumed with a {@link dev.caravan.core.mobility.CloneResult}. */
    record Clone(String target, String cloneName) implements Suspension {
    }

    Receive RECEIVE = new Receive();
}
