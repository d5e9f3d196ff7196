package dev.caravan.mobility.continuation;

/**
 * The contents of a suspended JavaFlow stack ({@code org.apache.commons.javaflow.core.Stack}):
 * the primitive slots of every captured frame in one array (doubles, floats, longs and ints, the
 * counts of each in the four tops), the object slots (locals and operand-stack values) and the
 * reference slots (call targets and {@code this}), bottom first. Arrays are exactly as long as the
 * stack's tops; not copied, do not modify.
 */
public record StackImage(long[] primitives, int doubles, int floats, int longs, int ints,
                         Object[] objects, Object[] references) {
    public StackImage {
        if (doubles < 0 || floats < 0 || longs < 0 || ints < 0
                || (long) doubles + floats + longs + ints != primitives.length) {
            throw new IllegalArgumentException("primitive tops " + doubles + "/" + floats + "/" + longs + "/" + ints
                    + " do not add up to " + primitives.length + " slots");
        }
    }
}
