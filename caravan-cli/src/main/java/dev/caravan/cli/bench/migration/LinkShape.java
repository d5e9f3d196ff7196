package dev.caravan.cli.bench.migration;

import dev.caravan.launch.net.TestHost;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The link between two node hosts of {@code caravan bench migration --hosts}: a one-way delay
 * ({@code --latency}) and a bandwidth cap ({@code --bandwidth}). A path between two hosts crosses
 * both hosts' links, so {@link #applyTo} gives each host half the delay and the whole cap: host to
 * host, frames take {@link #oneWay()} and at most {@link #bitsPerSecond()}.
 *
 * @param oneWay        emulated one-way delay between two hosts, {@link Duration#ZERO} for none
 * @param bitsPerSecond cap in each direction, 0 for none
 */
public record LinkShape(Duration oneWay, long bitsPerSecond) {
    private static final Pattern DELAY = Pattern.compile("(\\d{1,6}(?:\\.\\d{1,3})?)(us|ms|s)");
    private static final Pattern RATE = Pattern.compile("(\\d{1,9})(bit|kbit|mbit|gbit)", Pattern.CASE_INSENSITIVE);

    /** No delay, no cap. */
    public static final LinkShape NONE = new LinkShape(Duration.ZERO, 0);

    /**
     * Parses {@code --latency} (a number with {@code us}, {@code ms} or {@code s}, at most 1 s; null
     * for none) and {@code --bandwidth} (a number with {@code bit}, {@code kbit}, {@code mbit} or
     * {@code gbit} per second as {@code tc} writes it, from 1 mbit to 100 gbit; null for none).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT saying what a valid value looks like
     */
    public static LinkShape parse(String latency, String bandwidth) {
        Duration oneWay = Duration.ZERO;
        if (latency != null) {
            Matcher m = DELAY.matcher(latency.trim());
            if (!m.matches()) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--latency: '" + latency + "' is not a delay such as 1ms, 500us or 0.5ms");
            }
            double micros = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
                case "us" -> 1;
                case "ms" -> 1_000;
                default -> 1_000_000;
            };
            if (micros > 1_000_000) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--latency: at most 1s, got " + latency);
            }
            oneWay = Duration.ofNanos(Math.round(micros * 1000));
        }
        long bits = 0;
        if (bandwidth != null) {
            Matcher m = RATE.matcher(bandwidth.trim());
            if (!m.matches()) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--bandwidth: '" + bandwidth + "' is not a rate such as 200mbit or 1gbit");
            }
            bits = Long.parseLong(m.group(1)) * switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "bit" -> 1L;
                case "kbit" -> 1_000L;
                case "mbit" -> 1_000_000L;
                default -> 1_000_000_000L;
            };
            if (bits < 1_000_000 || bits > 100_000_000_000L) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--bandwidth: between 1mbit and 100gbit, got " + bandwidth);
            }
        }
        return new LinkShape(oneWay, bits);
    }

    /** Half the delay and the cap on {@code host}'s link (see the class comment). */
    public void applyTo(TestHost host) throws IOException {
        host.limitBandwidth(bitsPerSecond);
        host.addLatency(oneWay.dividedBy(2));
    }

    /** For the report: {@code 1 ms one-way, 200 Mbit/s} or {@code no delay, no cap}. */
    @Override
    public String toString() {
        return (oneWay.isZero() ? "no delay" : String.format(Locale.ROOT, "%.3g ms one-way", oneWay.toNanos() / 1e6)) + ", "
                + (bitsPerSecond == 0 ? "no cap" : String.format(Locale.ROOT, "%d Mbit/s", bitsPerSecond / 1_000_000));
    }
}
