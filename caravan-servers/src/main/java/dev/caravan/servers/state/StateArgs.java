package dev.caravan.servers.state;

import dev.caravan.wire.ErrorCode;

/** Argument parsing shared by the state examples. */
final class StateArgs {
    private StateArgs() {
    }

    static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ErrorCode.MALFORMED.exception("'" + s + "' is not a number");
        }
    }

    static String[] fields(String line, int n, String usage) {
        String[] f = line.trim().split("\\s+");
        if (f.length != n) {
            throw ErrorCode.MALFORMED.exception("expected '" + usage + "', got '" + line + "'");
        }
        return f;
    }
}
