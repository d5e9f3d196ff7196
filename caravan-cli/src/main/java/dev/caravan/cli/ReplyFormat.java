package dev.caravan.cli;

import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;

/** Prints replies the way redis-cli does: OK, (integer) 1, "text", (nil), numbered arrays. */
public final class ReplyFormat {
    private ReplyFormat() {
    }

    public static String format(Reply r) {
        StringBuilder b = new StringBuilder();
        append(b, r, "");
        return b.toString();
    }

    private static void append(StringBuilder b, Reply r, String indent) {
        switch (r) {
            case Reply.Simple s -> b.append(s.text());
            case Reply.Error e -> b.append("(error) ").append(e.text());
            case Reply.Int i -> b.append("(integer) ").append(i.value());
            case Reply.Bulk bulk -> b.append(quote(bulk.value()));
            case Reply.OffHeapBulk bulk -> b.append("(").append(bulk.value().length()).append(" bytes)");
            case Reply.Nil n -> b.append("(nil)");
            case Reply.NilArray n -> b.append("(nil)");
            case Reply.Array a -> list(b, a.items(), indent);
            case Reply.Set st -> list(b, st.items(), indent);
            case Reply.Map m -> list(b, m.keysAndValues(), indent);
            case Reply.Double d -> b.append("(double) ").append(d.text());
            case Reply.Bool bool -> b.append(bool.value() ? "(true)" : "(false)");
            case Reply.BigNumber n -> b.append("(big number) ").append(n.digits());
            case Reply.Verbatim v -> b.append(new String(v.text(), StandardCharsets.UTF_8));
            case Reply.Null n -> b.append("(nil)");
            case Reply.Suppressed n -> b.append("(no reply)");
            case Reply.Closing c -> append(b, c.reply(), indent);
            case Reply.Blocked blocked -> b.append("(blocked)");
        }
    }

    /**
     * The reply as a JSON value ({@code call --json}): a simple string, bulk string or verbatim
     * string is a string (bytes read as UTF-8), an integer or finite double a number, nil and null
     * {@code null}, a boolean a boolean, an array or set a list, a map an object (keys as text), a
     * big number or an infinite double a string, an error {@code {"error":"…"}}, an off-heap value
     * {@code {"bytes":N}}.
     */
    public static Object toJson(Reply r) {
        return switch (r) {
            case Reply.Simple s -> s.text();
            case Reply.Error e -> java.util.Map.of("error", e.text());
            case Reply.Int i -> i.value();
            case Reply.Bulk bulk -> new String(bulk.value(), StandardCharsets.UTF_8);
            case Reply.OffHeapBulk bulk -> java.util.Map.of("bytes", bulk.value().length());
            case Reply.Nil n -> null;
            case Reply.NilArray n -> null;
            case Reply.Null n -> null;
            case Reply.Array a -> a.items().stream().map(ReplyFormat::toJson).toList();
            case Reply.Set st -> st.items().stream().map(ReplyFormat::toJson).toList();
            case Reply.Map m -> {
                java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
                for (int i = 0; i + 1 < m.keysAndValues().size(); i += 2) {
                    o.put(String.valueOf(toJson(m.keysAndValues().get(i))), toJson(m.keysAndValues().get(i + 1)));
                }
                yield o;
            }
            case Reply.Double d -> {
                try {
                    double v = java.lang.Double.parseDouble(d.text());
                    yield java.lang.Double.isFinite(v) ? (Object) v : d.text();
                } catch (NumberFormatException e) {
                    yield d.text();
                }
            }
            case Reply.Bool bool -> bool.value();
            case Reply.BigNumber n -> n.digits();
            case Reply.Verbatim v -> new String(v.text(), StandardCharsets.UTF_8);
            case Reply.Suppressed n -> null;
            case Reply.Closing c -> toJson(c.reply());
            case Reply.Blocked blocked -> null;
        };
    }

    private static void list(StringBuilder b, java.util.List<Reply> items, String indent) {
        if (items.isEmpty()) {
            b.append("(empty array)");
        }
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append('\n').append(indent);
            }
            String label = (i + 1) + ") ";
            b.append(label);
            append(b, items.get(i), indent + " ".repeat(label.length()));
        }
    }

    private static String quote(byte[] v) {
        StringBuilder b = new StringBuilder("\"");
        String s = new String(v, StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
