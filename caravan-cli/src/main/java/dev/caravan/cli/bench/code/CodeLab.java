package dev.caravan.cli.bench.code;

import dev.caravan.client.NodeControl;
import dev.caravan.lab.code.BundleJar;
import dev.caravan.lab.code.CodeLabReport;
import dev.caravan.lab.code.CountMatching;
import dev.caravan.lab.code.DataSet;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Machine;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.RunInfo;
import dev.caravan.launch.LocalCluster;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.EvalRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Drives {@code caravan lab code}: starts a one-node local cluster (real node JVM), fills a KV
 * process with the {@link DataSet}, then alternates client-server and remote-evaluation runs
 * and builds the {@link CodeLabReport}, which fails the run when any count disagrees.
 *
 * @param totalBytes the values' bytes to load (the figure is 1 GiB)
 */
public record CodeLab(long totalBytes, int valueBytes, int runs, Path outDir, Path workDir) {
    private static final String PROCESS = "lab-code-kv";

    public CodeLab {
        if (totalBytes < valueBytes || valueBytes < 16 || valueBytes > 1 << 20 || runs < 1 || runs > 100) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--size must hold at least one value, --value-bytes be 16..1048576"
                    + " and --runs 1..100");
        }
    }

    public LabResult run(Progress progress) throws IOException, InterruptedException {
        long started = System.currentTimeMillis();
        DataSet data = DataSet.ofSize(totalBytes, valueBytes);
        // Record headers, keys and the hash table, with room to spare; the values themselves are off-heap paged memory.
        long processMemory = Math.max(64L << 20, (data.totalValueBytes() + data.keys() * 96) * 3 / 2);
        long memoryBudget = Math.min(EvalRequest.MAX_MEMORY_BUDGET_BYTES, data.totalValueBytes() * 4 + (256L << 20));
        Duration timeBudget = Duration.ofMillis(EvalRequest.MAX_TIME_BUDGET_MS);
        Files.createDirectories(outDir);
        progress.step("starting a 1-node cluster in " + workDir + " ...");
        try (LocalCluster cluster = LocalCluster.builder().allowUnsigned().nodes(1).workDir(workDir).switches(0)
                .nodeArgs(List.of("--process-memory", String.valueOf(processMemory + (64L << 20)))).start();
             NodeControl node = NodeControl.connect(cluster.nodeControls().get("n1"), "lab", "", Duration.ofSeconds(60))) {
            ProcessInfo kv = node.start(new ProcessSpec(PROCESS, "kv", "", "", processMemory, Map.of()));
            InetSocketAddress at = new InetSocketAddress(kv.dataHost(), kv.dataPort());
            progress.step("loading " + data.keys() + " keys × " + valueBytes + " B (" + Sizes.human(data.totalValueBytes())
                    + " of values) into " + PROCESS + " ...");
            fill(at, data);
            byte[] jar = BundleJar.of(CountMatching.class, DataSet.class);
            Pattern pattern = Pattern.compile(DataSet.PATTERN);
            List<CodeLabReport.Run> results = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                boolean revFirst = i % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    if ((k == 0) == revFirst) {
                        long t0 = System.nanoTime();
                        RemoteEvaluationCount.Outcome o = RemoteEvaluationCount.run(cluster.namingSpec(), PROCESS, jar, timeBudget,
                                memoryBudget);
                        long ns = System.nanoTime() - t0;
                        results.add(new CodeLabReport.Run(CodeLabReport.REMOTE_EVALUATION, i, o.bytesMoved(), ns, o.count()));
                        progress.step(String.format(java.util.Locale.ROOT, "run %d/%d: remote evaluation %d matches, %.1f ms,"
                                + " %d bytes moved (function ran %.1f ms on the node)", i, runs, o.count(), ns / 1e6,
                                o.bytesMoved(), o.nodeNanos() / 1e6));
                    } else {
                        long t0 = System.nanoTime();
                        ClientServerCount.Outcome o = ClientServerCount.run(at, pattern);
                        long ns = System.nanoTime() - t0;
                        results.add(new CodeLabReport.Run(CodeLabReport.CLIENT_SERVER, i, o.bytesMoved(), ns, o.count()));
                        progress.step(String.format(java.util.Locale.ROOT, "run %d/%d: client-server %d matches, %.1f ms, %d bytes moved",
                                i, runs, o.count(), ns / 1e6, o.bytesMoved()));
                    }
                }
            }
            Map<String, String> options = new LinkedHashMap<>();
            options.put("--size", String.valueOf(totalBytes));
            options.put("--value-bytes", String.valueOf(valueBytes));
            options.put("--runs", String.valueOf(runs));
            options.put("--out", outDir.toString());
            RunInfo info = new RunInfo("caravan lab code", options, Instant.ofEpochMilli(started).toString(), Machine.current());
            return CodeLabReport.build(data, results, info, started, outDir);
        }
    }

    private static void fill(InetSocketAddress at, DataSet data) throws IOException {
        try (RespConnection c = new RespConnection(at)) {
            List<Command> batch = new ArrayList<>();
            for (long i = 0; i < data.keys(); i++) {
                batch.add(new Command(new byte[][] {{'S', 'E', 'T'}, DataSet.key(i), data.value(i)}));
                if (batch.size() == 1000 || i == data.keys() - 1) {
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
