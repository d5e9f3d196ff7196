package dev.caravan.mobility.enhance;

import java.util.Objects;

/**
 * A reference value live (a local or an operand-stack slot) at a suspension point reachable from a
 * {@code LoopProcess}'s {@code run}: it will be part of the continuation, so its type needs a codec.
 *
 * @param type the value's static type as the verifier computed it: a binary class name
 *             ({@code java.util.ArrayList}) or, for an array, its descriptor ({@code [J})
 * @param site where it is live, {@code Class.method(File.java:line)} (line -1 when the class has
 *             no line table)
 * @param className binary name of the class holding the suspending call
 * @param method name of the method holding the suspending call
 * @param line source line of the suspending call, or -1
 */
public record LiveValue(String type, String site, String className, String method, int line) {
    public LiveValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(method, "method");
    }
}
