package dev.caravan.client.cod;

/**
 * What one operation of client code produced: text for the user, and whether it succeeded
 * ({@code caravan use} exits 1 when it did not).
 */
public record Result(boolean ok, String text) {
    public Result {
        java.util.Objects.requireNonNull(text, "text");
    }

    public static Result ok(String text) {
        return new Result(true, text);
    }

    public static Result failed(String text) {
        return new Result(false, text);
    }
}
