package dev.caravan.lab.code;

import dev.caravan.core.eval.EvalContext;
import dev.caravan.core.eval.KeyValueView;
import dev.caravan.core.eval.RemoteFunction;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lab's shipped function: counts the string values that contain a match of the regular
 * expression in {@code args[0]} (UTF-8), values read as ISO-8859-1 text so that every byte is
 * one character — exactly as {@link DataSet#matches} counts on the client side.
 */
public final class CountMatching implements RemoteFunction {
    @Override
    public Reply apply(EvalContext ctx, List<byte[]> args) {
        if (args.size() != 1) {
            return new Reply.Error("ERR CountMatching takes one argument: the pattern");
        }
        KeyValueView kv = ctx.keys();
        if (kv == null) {
            return new Reply.Error("ERR process " + ctx.processName() + " offers no key-value view");
        }
        Pattern pattern = Pattern.compile(new String(args.get(0), StandardCharsets.UTF_8));
        long n = 0;
        for (Iterator<byte[]> it = kv.keys(); it.hasNext(); ) {
            byte[] value = kv.get(it.next());
            if (value != null && DataSet.matches(pattern, value)) {
                n++;
            }
        }
        return new Reply.Int(n);
    }
}
