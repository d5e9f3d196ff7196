package dev.caravan.client;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Fills a Redis-compatible endpoint with a known data set: for demos, benchmarks and tests. */
public final class KvFiller {
    private KvFiller() {
    }

    /** Writes {@code keys} keys {@code key:i} with {@code valueBytes}-byte values, 1000 per pipeline. */
    public static void fill(InetSocketAddress target, int keys, int valueBytes) throws IOException {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        try (RespConnection c = new RespConnection(target)) {
            List<Command> batch = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                batch.add(new Command(new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII),
                        ("key:" + i).getBytes(StandardCharsets.US_ASCII), value}));
                if (batch.size() == 1000 || i == keys - 1) {
                    for (Reply r : c.pipeline(batch)) {
                        if (!(r instanceof Reply.Simple)) {
                            throw ErrorCode.INTERNAL.exception("SET failed while loading: " + r);
                        }
                    }
                    batch.clear();
                }
            }
        }
    }
}
