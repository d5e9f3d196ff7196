package dev.caravan.systemtests.hosts;

import dev.caravan.launch.net.TestHost;
import dev.caravan.testsupport.CaravanCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link TierWriterMain} JVM running inside a test host, seen from the test: what it reported so
 * far (acknowledged writes, the switch it writes through, its reconnects and their gaps). Every
 * line it prints is kept in {@code writer-<host>.log} of the log directory. Fields are updated by
 * a reader thread and read by the test thread.
 */
final class TierWriter implements AutoCloseable {
    /** One reconnect: from the lost switch's address to the next, and the write gap it cost. */
    record Reconnect(String from, String to, long gapMs) {
    }

    final AtomicLong acked = new AtomicLong();
    final AtomicReference<String> connectedTo = new AtomicReference<>("");
    final ConcurrentLinkedQueue<Reconnect> reconnects = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Long> finalAcked = new CompletableFuture<>();
    private final Process process;

    private TierWriter(Process process) {
        this.process = process;
    }

    /** Starts the writer in {@code host} against the DNS server at {@code dns}, writing to the front end's {@code frontPort}. */
    static TierWriter start(TestHost host, InetSocketAddress dns, String zone, int frontPort, Path logDir) throws IOException {
        List<String> cmd = new ArrayList<>(host.execPrefix());
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(CaravanCluster.FAST_JVM_OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TierWriterMain.class.getName(),
                dns.getHostString(), String.valueOf(dns.getPort()), zone, String.valueOf(frontPort)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        TierWriter w = new TierWriter(p);
        Files.createDirectories(logDir);
        Path log = logDir.resolve("writer-" + host.name() + ".log");
        Thread.ofPlatform().daemon(true).name("writer-out").start(() -> w.read(log));
        return w;
    }

    private void read(Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.println(line);
                String[] w = line.split(" ", 2);
                switch (w[0]) {
                    case "acked" -> acked.set(Long.parseLong(w[1]));
                    case "connected" -> connectedTo.set(w[1]);
                    case "reconnected" -> {
                        String[] f = w[1].split(" ");
                        reconnects.add(new Reconnect(f[0], f[1], Long.parseLong(f[2])));
                    }
                    case "failure" -> failures.add(w[1]);
                    case "final" -> {
                        acked.set(Long.parseLong(w[1]));
                        finalAcked.complete(acked.get());
                    }
                    default -> failures.add("unexpected output: " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            failures.add("reading the writer: " + e);
        } finally {
            finalAcked.completeExceptionally(new IOException("the writer ended without its final line; failures " + failures));
        }
    }

    /** Stops writing (closes its stdin) and returns the last acknowledged write's number. */
    long stop() throws Exception {
        process.getOutputStream().close();
        return finalAcked.get(30, TimeUnit.SECONDS);
    }

    /** The longest gap of any reconnect, ms; 0 without one. */
    long maxGapMs() {
        return reconnects.stream().mapToLong(Reconnect::gapMs).max().orElse(0);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
