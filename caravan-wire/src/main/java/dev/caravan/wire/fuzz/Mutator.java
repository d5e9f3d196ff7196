package dev.caravan.wire.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Deterministic structure-aware mutations of valid seed inputs, for {@link DecoderFuzzer}
 * (Jazzer's coverage-guided engine does the short runs inside {@code mvn test}).
 */
final class Mutator {
    private static final byte[][] TOKENS = {
        "\r\n".getBytes(StandardCharsets.US_ASCII), "*".getBytes(StandardCharsets.US_ASCII),
        "$".getBytes(StandardCharsets.US_ASCII), "-1".getBytes(StandardCharsets.US_ASCII),
        "2147483648".getBytes(StandardCharsets.US_ASCII), "9223372036854775807".getBytes(StandardCharsets.US_ASCII),
        "99999999999999999999".getBytes(StandardCharsets.US_ASCII), "\"".getBytes(StandardCharsets.US_ASCII),
        "'".getBytes(StandardCharsets.US_ASCII), "\\x".getBytes(StandardCharsets.US_ASCII),
        {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
        {0, 0, 0, 0}, {0, 0, 0, 11, 1},
    };

    private final Random random;
    private final List<byte[]> seeds;

    Mutator(long seed, List<byte[]> seeds) {
        this.random = new Random(seed);
        this.seeds = seeds;
    }

    byte[] next() {
        byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            b = mutate(b);
        }
        return b;
    }

    private byte[] mutate(byte[] b) {
        int at = b.length == 0 ? 0 : random.nextInt(b.length);
        switch (random.nextInt(6)) {
            case 0 -> {
                if (b.length > 0) {
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, at);
            case 2 -> b = insert(b, at, TOKENS[random.nextInt(TOKENS.length)]);
            case 3 -> {
                if (b.length > 0) {
                    b[at] = (byte) random.nextInt(256);
                }
            }
            case 4 -> {
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int from = other.length == 0 ? 0 : random.nextInt(other.length);
                b = insert(b, at, Arrays.copyOfRange(other, from, other.length));
            }
            default -> {
                if (b.length > 1) {
                    int len = 1 + random.nextInt(Math.min(8, b.length - at));
                    b = insert(b, at, Arrays.copyOfRange(b, at, at + len));
                }
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        byte[] r = new byte[b.length + piece.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(piece, 0, r, at, piece.length);
        System.arraycopy(b, at, r, at + piece.length, b.length - at);
        return r;
    }
}
