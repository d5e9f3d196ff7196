package dev.caravan.cli.bench.migration;

import dev.caravan.migration.PageStreamBench;
import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.security.TransportSecurity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code caravan bench migration --tls}: the page stream's bandwidth plaintext and over mutual
 * TLS 1.3, for the same state size, in the same run — {@code runs} rounds each, alternating so
 * that a change in the machine's load hits both alike. Each round sends every page of a
 * {@code stateBytes} memory once over loopback ({@link PageStreamBench}); two node identities
 * are issued by a throw-away CA under the work directory. The target: TLS keeps at least
 * {@value #TARGET_RATIO} of plaintext's median bandwidth.
 */
public final class PageStreamTlsComparison {
    public static final double TARGET_RATIO = 0.7;
    /** Bytes each transport carries, untimed, before the first measured round (the JIT's warm-up). */
    static final long WARMUP_BYTES = 1L << 30;

    private final List<PageStreamBench.Round> plain = new ArrayList<>();
    private final List<PageStreamBench.Round> tls = new ArrayList<>();

    private PageStreamTlsComparison() {
    }

    /** Runs the comparison; {@code step} hears one line per round. */
    public static PageStreamTlsComparison run(long stateBytes, int runs, Path workDir, java.util.function.Consumer<String> step)
            throws Exception {
        Files.createDirectories(workDir);
        Path caDir = Files.createTempDirectory(workDir, "tls-ca-");
        CertificateAuthority ca = CertificateAuthority.create(caDir, "bench");
        ca.issue("bench-n1", "node", "", List.of(), List.of(), Duration.ofHours(2));
        ca.issue("bench-n2", "node", "", List.of(), List.of(), Duration.ofHours(2));
        TransportSecurity sender = TransportSecurity.mutualTls(ca.identityDirectory("bench-n1"));
        TransportSecurity receiver = TransportSecurity.mutualTls(ca.identityDirectory("bench-n2"));
        PageStreamTlsComparison c = new PageStreamTlsComparison();
        // Untimed rounds first, WARMUP_BYTES of each: the JIT needs ~1 GiB through the SSLEngine
        // before the AES-GCM intrinsics and the record path run compiled (measured: 9 ns/B for the
        // first 256 MiB wrapped, ~0.5 ns/B from the fourth); one 64 MiB round left TLS mostly cold.
        long warm = Math.min(stateBytes, 64L << 20);
        for (long done = 0; done < WARMUP_BYTES; done += warm) {
            PageStreamBench.measure(warm, TransportSecurity.plaintext(), TransportSecurity.plaintext());
            PageStreamBench.measure(warm, sender, receiver);
        }
        for (int i = 0; i < runs; i++) {
            PageStreamBench.Round p = PageStreamBench.measure(stateBytes, TransportSecurity.plaintext(), TransportSecurity.plaintext());
            PageStreamBench.Round t = PageStreamBench.measure(stateBytes, sender, receiver);
            c.plain.add(p);
            c.tls.add(t);
            step.accept(String.format(Locale.ROOT, "page stream round %d/%d: plaintext %.0f MB/s, TLS %.0f MB/s (%.2f×; TLS set-up %.1f ms)",
                    i + 1, runs, p.bytesPerSec() / 1e6, t.bytesPerSec() / 1e6, t.bytesPerSec() / p.bytesPerSec(), t.setupMs()));
        }
        return c;
    }

    public double plainMedianBytesPerSec() {
        return median(plain.stream().mapToDouble(PageStreamBench.Round::bytesPerSec).toArray());
    }

    public double tlsMedianBytesPerSec() {
        return median(tls.stream().mapToDouble(PageStreamBench.Round::bytesPerSec).toArray());
    }

    public double ratio() {
        return tlsMedianBytesPerSec() / plainMedianBytesPerSec();
    }

    /** Each run's TLS ÷ plaintext, in run order. */
    public double[] ratios() {
        double[] r = new double[plain.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = tls.get(i).bytesPerSec() / plain.get(i).bytesPerSec();
        }
        return r;
    }

    public boolean met() {
        return ratio() >= TARGET_RATIO;
    }

    /** The table printed after the runs. */
    public String render() {
        double[] r = ratios();
        double[] sorted = r.clone();
        Arrays.sort(sorted);
        StringBuilder b = new StringBuilder();
        b.append("page stream, plaintext vs mutual TLS 1.3 (").append(plain.size()).append(" alternating rounds, median):\n");
        b.append(String.format(Locale.ROOT, "  %-10s %12s %12s %12s %18s%n", "transport", "MB/s median", "MB/s min", "MB/s max",
                "CPU ns/B send/recv"));
        row(b, "plaintext", plain);
        row(b, "TLS 1.3", tls);
        b.append(String.format(Locale.ROOT, "  TLS ÷ plaintext: %.2f× (per round %.2f..%.2f); target ≥ %.1f×: %s; TLS set-up (TCP + handshake) median %.1f ms",
                ratio(), sorted[0], sorted[sorted.length - 1], TARGET_RATIO, met() ? "met" : "MISSED",
                median(tls.stream().mapToDouble(PageStreamBench.Round::setupMs).toArray())));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, List<PageStreamBench.Round> rounds) {
        double[] bw = rounds.stream().mapToDouble(PageStreamBench.Round::bytesPerSec).toArray();
        b.append(String.format(Locale.ROOT, "  %-10s %12.0f %12.0f %12.0f %8.2f/%-8.2f%n", name, median(bw) / 1e6,
                Arrays.stream(bw).min().orElse(0) / 1e6, Arrays.stream(bw).max().orElse(0) / 1e6,
                median(rounds.stream().mapToDouble(PageStreamBench.Round::senderCpuNsPerByte).toArray()),
                median(rounds.stream().mapToDouble(PageStreamBench.Round::receiverCpuNsPerByte).toArray())));
    }

    /** The JSON object {@code pageStreamTls}. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plaintextMedianBytesPerSec", plainMedianBytesPerSec());
        m.put("tlsMedianBytesPerSec", tlsMedianBytesPerSec());
        m.put("ratio", ratio());
        m.put("ratiosPerRound", ratios());
        m.put("targetRatio", TARGET_RATIO);
        m.put("met", met());
        m.put("plaintextRounds", rounds(plain));
        m.put("tlsRounds", rounds(tls));
        return m;
    }

    private static List<Map<String, Object>> rounds(List<PageStreamBench.Round> rounds) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PageStreamBench.Round r : rounds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bytesPerSec", r.bytesPerSec());
            m.put("setupMs", r.setupMs());
            m.put("senderCpuNsPerByte", r.senderCpuNsPerByte());
            m.put("receiverCpuNsPerByte", r.receiverCpuNsPerByte());
            out.add(m);
        }
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
