package dev.caravan.node;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.LocalProcess;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A process that asks its node to move or clone it ({@link ProcessContext#requestMigration}), on
 * real nodes in this JVM (shared in-memory naming, real control ports and migration links).
 */
class SelfMigrationTest {
    private static final long MIB = 1L << 20;
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<NodeDaemon> nodes = new ArrayList<>();

    /**
     * Counts INCRs (object state, carried by writeState) and moves itself on GO node / CLONE node
     * name; LAST says how its latest request ended, as the future told it on a node thread.
     */
    public static final class SelfMover implements CaravanProcess {
        private ProcessContext ctx;
        private long count;
        private volatile String last = "none";

        @Override
        public void onStart(ProcessContext context, boolean restored) {
            ctx = context;
            String target = context.config().get("go-at-start");
            if (target != null) {
                // As an agent's first hop does: asked before the node has the process on its books.
                last = "pending";
                context.requestMigration(target, null).whenComplete((ok, failure) -> last = failure == null ? "done" : "failed");
            }
        }

        @Override
        public void onArrive(ProcessContext context) {
            ctx = context;
        }

        @Override
        public Reply onCommand(Command command) {
            return switch (command.name()) {
                case "INCR" -> Reply.integer(++count);
                case "WHERE" -> Reply.bulk(ctx.nodeId());
                case "LAST" -> Reply.bulk(last);
                case "GO", "CLONE" -> {
                    last = "pending";
                    ctx.requestMigration(command.text(1), command.size() > 2 ? command.text(2) : null)
                            .whenComplete((ok, failure) -> last = failure == null ? "done"
                                    : "failed " + ((CaravanException) failure).code() + ": " + failure.getMessage());
                    yield Reply.OK;
                }
                case "LOCAL" -> Reply.bulk(ctx.localProcesses().stream().map(LocalProcess::name).collect(Collectors.joining(",")));
                case "ASK" -> {
                    try {
                        yield ctx.callLocal(command.text(1), Command.of("INCR")).get(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        yield Reply.error("ERR " + e.getCause().getMessage());
                    } catch (Exception e) {
                        yield Reply.error("ERR " + e);
                    }
                }
                case "STATUS" -> {
                    ctx.statusLine(command.text(1));
                    yield Reply.OK;
                }
                case "RECALLED" -> Reply.integer(ctx.recalled() ? 1 : 0);
                default -> Reply.error("ERR unknown command");
            };
        }

        @Override
        public void writeState(BodyWriter out) {
            out.i64(count);
        }

        @Override
        public void readState(int version, BodyReader in) {
            count = in.i64();
        }
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeDaemon::close);
        naming.close();
    }

    private NodeDaemon start(String id) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id))
                .withProcessMemoryBytes(64 * MIB);
        NodeDaemon n = NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
        nodes.add(n);
        return n;
    }

    /** Deploys a SelfMover from a bundle that holds no class: the node's loader finds it on the test class path. */
    private static void deploy(NodeDaemon n, String name, Map<String, String> config) throws Exception {
        String hash = n.putBundle(emptyJar(), "");
        n.startProcess(new ProcessSpec(name, "", hash, SelfMover.class.getName(), 4 * MIB, config));
    }

    private static byte[] emptyJar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            jar.putNextEntry(new JarEntry("README.txt"));
            jar.write("no classes: they come from the parent loader".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private String ownerOf(String process) {
        return naming.lookup("process/" + process).map(NamingEntry::node).orElse("?");
    }

    private static String text(Reply r) {
        return r instanceof Reply.Bulk b ? new String(b.value(), StandardCharsets.UTF_8) : r.toString();
    }

    private NodeDaemon node(String id) {
        return nodes.stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow();
    }

    private Reply call(String process, String... command) throws Exception {
        return node(ownerOf(process)).call(process, 1, 0, Command.of(command));
    }

    @Test
    void shouldMoveAProcessThatAsksToBeMovedWithItsStateAndCompleteItsFuture() throws Exception {
        NodeDaemon n1 = start("n1");
        start("n2");
        deploy(n1, "mover", Map.of());
        call("mover", "INCR");
        call("mover", "INCR");
        assertThat(text(call("mover", "WHERE"))).isEqualTo("n1");

        assertThat(call("mover", "GO", "n2")).isEqualTo(Reply.OK);

        await().atMost(BOUND).until(() -> ownerOf("mover").equals("n2") && !n1.hostsProcess("mover"));
        assertThat(text(call("mover", "WHERE"))).isEqualTo("n2");
        assertThat(call("mover", "INCR")).isEqualTo(Reply.integer(3));
    }

    @Test
    void shouldMoveAProcessThatAsksToBeMovedFromItsStartHook() throws Exception {
        NodeDaemon n1 = start("n1");
        start("n2");
        deploy(n1, "early", Map.of("go-at-start", "n2"));

        await().atMost(BOUND).until(() -> ownerOf("early").equals("n2") && !n1.hostsProcess("early"));
        assertThat(text(call("early", "WHERE"))).isEqualTo("n2");
    }

    @Test
    void shouldKeepRunningAndFailTheFutureWhenTheTargetNodeIsUnknown() throws Exception {
        NodeDaemon n1 = start("n1");
        deploy(n1, "mover", Map.of());
        call("mover", "INCR");
        call("mover", "GO", "nowhere");

        await().atMost(BOUND).until(() -> !text(call("mover", "LAST")).equals("pending"));
        assertThat(text(call("mover", "LAST"))).isEqualTo("failed NOT_FOUND: no node nowhere is registered");
        assertThat(ownerOf("mover")).isEqualTo("n1");
        assertThat(call("mover", "INCR")).isEqualTo(Reply.integer(2));
    }

    @Test
    void shouldStartACloneThatTheProcessAskedForAndKeepTheOriginal() throws Exception {
        NodeDaemon n1 = start("n1");
        start("n2");
        deploy(n1, "mover", Map.of("self-migration.mode", "post-copy"));
        call("mover", "INCR");
        call("mover", "CLONE", "n2", "mover.c1");

        await().atMost(BOUND).until(() -> text(call("mover", "LAST")).equals("done"));
        assertThat(ownerOf("mover")).isEqualTo("n1");
        assertThat(ownerOf("mover.c1")).isEqualTo("n2");
        assertThat(call("mover.c1", "INCR")).isEqualTo(Reply.integer(2));
        assertThat(call("mover", "INCR")).isEqualTo(Reply.integer(2));
    }

    @Test
    void shouldRefuseAnUnknownSelfMigrationModeAtDeploy() throws Exception {
        NodeDaemon n1 = start("n1");
        assertThatThrownBy(() -> deploy(n1, "mover", Map.of("self-migration.mode", "teleport")))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void shouldListAndCallLocalProcessesAndShowTheStatusLineAndRecall() throws Exception {
        NodeDaemon n1 = start("n1");
        deploy(n1, "a", Map.of());
        deploy(n1, "b", Map.of());
        assertThat(text(call("a", "LOCAL"))).isEqualTo("a,b");
        assertThat(call("a", "ASK", "b")).isEqualTo(Reply.integer(1));
        assertThat(text(call("a", "ASK", "a"))).contains("cannot call itself");
        assertThat(text(call("a", "ASK", "zz"))).contains("not on node n1");

        call("a", "STATUS", "hop 1/3 on n1");
        assertThat(n1.inspect("a").stateDetail()).isEqualTo("hop 1/3 on n1");
        assertThat(call("a", "RECALLED")).isEqualTo(Reply.integer(0));
        n1.hosted("a").runner().recall();
        assertThat(call("a", "RECALLED")).isEqualTo(Reply.integer(1));
    }
}
