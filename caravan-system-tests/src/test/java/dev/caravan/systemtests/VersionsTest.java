package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.client.CheckpointRestorer;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import static dev.caravan.systemtests.BundleBuilder.bundle;
import static dev.caravan.testsupport.CaravanCluster.PROCESS_MEMORY_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Versions of code and state across migration, on real node JVMs: two builds of one class side by
 * side, a bundle pulled by the destination, an upgrade whose new code reads the old state, and one
 * whose code cannot — refused before the source gives up the process, which keeps serving.
 */
class VersionsTest {
    private static CaravanCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * {@code demo.Counter}: INCR counts, every command answers {@code label:count:loader}. It writes
     * state version {@code writes} (version 1: {@code i64 count}; version 2 and later: {@code i64 count,
     * string writerLabel}) and reads the versions {@code readsFrom..writes}.
     */
    static byte[] counter(String label, int writes, int readsFrom) {
        String code = String.join("\n",
                "package demo;",
                "import dev.caravan.core.process.CaravanProcess;",
                "import dev.caravan.core.process.ProcessContext;",
                "import dev.caravan.wire.BodyReader;",
                "import dev.caravan.wire.BodyWriter;",
                "import dev.caravan.wire.command.Command;",
                "import dev.caravan.wire.command.Reply;",
                "public final class Counter implements CaravanProcess {",
                "    private long count;",
                "    private String from = \"new\";",
                "    @Override public void onStart(ProcessContext context, boolean restored) { }",
                "    @Override public Reply onCommand(Command command) {",
                "        if (command.name().equalsIgnoreCase(\"INCR\")) {",
                "            count++;",
                "        }",
                "        if (command.name().equalsIgnoreCase(\"FROM\")) {",
                "            return Reply.bulk(from);",
                "        }",
                "        return Reply.bulk(\"LABEL:\" + count + \":\" + getClass().getClassLoader().getName());",
                "    }",
                "    @Override public int stateVersion() { return WRITES; }",
                "    @Override public boolean readsStateVersion(int version) { return version >= READS_FROM && version <= WRITES; }",
                "    @Override public void writeState(BodyWriter out) {",
                "        out.i64(count);",
                "        if (WRITES >= 2) {",
                "            out.string(\"LABEL\");",
                "        }",
                "    }",
                "    @Override public void readState(int version, BodyReader in) {",
                "        count = in.i64();",
                "        from = version >= 2 ? in.string() : \"v1-state\";",
                "    }",
                "}")
                .replace("LABEL", label).replace("WRITES", String.valueOf(writes))
                .replace("READS_FROM", String.valueOf(readsFrom));
        return bundle().source("demo.Counter", code).build();
    }

    /**
     * {@code loops.Ledger}, a loop process: {@code ADD n} adds n to a local and answers
     * {@code label:sum:count}. The label comes from {@code label()}, which does not suspend; with
     * {@code changedLoop} the loop itself (a suspending method) counts differently.
     */
    static byte[] loopLedger(String label, int writes, int readsFrom, boolean changedLoop) {
        String code = String.join("\n",
                "package loops;",
                "import dev.caravan.core.mobility.LoopContext;",
                "import dev.caravan.core.mobility.LoopProcess;",
                "import dev.caravan.core.mobility.Request;",
                "import dev.caravan.wire.command.Reply;",
                "public final class Ledger implements LoopProcess {",
                "    @Override public void run(LoopContext ctx) {",
                "        long sum = 0;",
                "        long count = 0;",
                "        while (true) {",
                "            Request r = ctx.receive();",
                "            long n = Long.parseLong(r.command().text(1));",
                "            sum = sum + n;",
                "            count = count + STEP;",
                "            ctx.reply(r, Reply.bulk(label() + \":\" + sum + \":\" + count));",
                "        }",
                "    }",
                "    private static String label() { return \"LABEL\"; }",
                "    @Override public int stateVersion() { return WRITES; }",
                "    @Override public boolean readsStateVersion(int version) { return version >= READS_FROM && version <= WRITES; }",
                "}")
                .replace("LABEL", label).replace("WRITES", String.valueOf(writes))
                .replace("READS_FROM", String.valueOf(readsFrom)).replace("STEP", changedLoop ? "10" : "1");
        return bundle().source("loops.Ledger", code).build();
    }

    private static ProcessSpec spec(String name, String hash) {
        return new ProcessSpec(name, "", hash, "demo.Counter", PROCESS_MEMORY_BYTES, Map.of());
    }

    private static String addToLedger(String n) {
        Reply r = cluster.client().call("loop-ledger", "ADD", n);
        assertThat(r).isInstanceOf(Reply.Bulk.class);
        return ((Reply.Bulk) r).text();
    }

    private static String call(String name, String command) {
        Reply r = cluster.client().call(name, command);
        assertThat(r).isInstanceOf(Reply.Bulk.class);
        return ((Reply.Bulk) r).text();
    }

    private static MigrationReport migrate(String name, String to, MigrationMode mode, String upgradeTo) {
        return NodeControl.migrate(cluster.client().resolve(name).orElseThrow().control(), "",
                new MigrationRequest(name, to, mode, 50, 30, 2, false, "", "", upgradeTo), p -> { }, Duration.ofMinutes(1));
    }

    @Test
    void shouldRunTwoBuildsOfOneClassSideBySideAndKeepEachOneAcrossMigration() {
        NodeControl n1 = cluster.control("n1");
        String one = n1.putBundle(counter("one", 1, 1));
        String two = n1.putBundle(counter("two", 1, 1));
        n1.start(spec("twin-one", one));
        n1.start(spec("twin-two", two));
        call("twin-one", "INCR");
        call("twin-one", "INCR");
        call("twin-two", "INCR");
        String loaderOne = call("twin-one", "GET").split(":")[2];
        String loaderTwo = call("twin-two", "GET").split(":")[2];
        assertThat(loaderOne).as("one class loader per bundle").isNotEqualTo(loaderTwo);

        assertThat(migrate("twin-one", "n2", MigrationMode.PRE_COPY, "").outcome().label()).isEqualTo("committed");
        assertThat(migrate("twin-two", "n2", MigrationMode.POST_COPY, "").outcome().label()).isEqualTo("committed");

        assertThat(call("twin-one", "INCR")).startsWith("one:3:");
        assertThat(call("twin-two", "INCR")).startsWith("two:2:");
        assertThat(cluster.control("n2").inspect("twin-one").bundle()).isEqualTo(one);
        assertThat(cluster.control("n2").inspect("twin-two").bundle()).isEqualTo(two);
        assertThat(call("twin-one", "GET").split(":")[2]).isNotEqualTo(call("twin-two", "GET").split(":")[2]);
    }

    @Test
    void shouldPullTheBundleOfAStateVersionTwoProcessToADestinationThatLacksIt() {
        byte[] jar = counter("pulled", 2, 2);
        String hash = cluster.control("n1").putBundle(jar);
        cluster.control("n1").start(spec("pulled-v2", hash));
        call("pulled-v2", "INCR");
        CaravanException absent = catchThrowableOfType(CaravanException.class, () -> cluster.control("n3").getBundle(hash));
        assertThat(absent.code()).as("n3 does not hold the bundle before the move").isEqualTo(ErrorCode.NOT_FOUND);

        assertThat(migrate("pulled-v2", "n3", MigrationMode.STOP_AND_COPY, "").outcome().label()).isEqualTo("committed");

        assertThat(call("pulled-v2", "INCR")).startsWith("pulled:2:");
        assertThat(call("pulled-v2", "FROM")).as("its version-2 state arrived").isEqualTo("pulled");
        assertThat(cluster.control("n3").getBundle(hash)).as("n3 pulled exactly those bytes").isEqualTo(jar);
        assertThat(cluster.control("n3").inspect("pulled-v2").bundle()).isEqualTo(hash);
    }

    @Test
    void shouldUpgradeToANewBuildThatReadsTheOldStateVersion() {
        NodeControl n1 = cluster.control("n1");
        ProcessInfo before = n1.start(spec("ledger-up", n1.putBundle(counter("v1", 1, 1))));
        String v2 = n1.putBundle(counter("v2", 2, 1));
        call("ledger-up", "INCR");
        call("ledger-up", "INCR");

        MigrationReport r = migrate("ledger-up", "n2", MigrationMode.PRE_COPY, v2);

        assertThat(r.outcome().label()).isEqualTo("committed");
        assertThat(r.epoch()).isEqualTo(before.epoch() + 1);
        assertThat(call("ledger-up", "INCR")).as("new code, old count").startsWith("v2:3:");
        assertThat(call("ledger-up", "FROM")).as("the new code read version-1 state").isEqualTo("v1-state");
        assertThat(cluster.control("n2").inspect("ledger-up").bundle()).as("n2 pulled and runs the new build").isEqualTo(v2);
    }

    @Test
    void shouldRefuseAnUpgradeWhoseCodeCannotReadTheStateBeforeTheSourceGivesItUp() {
        NodeControl n1 = cluster.control("n1");
        ProcessInfo before = n1.start(spec("ledger", n1.putBundle(counter("v1", 1, 1))));
        String v3 = n1.putBundle(counter("v3", 3, 2));
        call("ledger", "INCR");

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> migrate("ledger", "n2", MigrationMode.POST_COPY, v3));

        assertThat(e).as("the move is refused, not reported as a rolled-back move").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(e.getMessage()).isEqualTo("process ledger writes state version 1; bundle " + v3.substring(0, 12)
                + "… on node n2 reads versions 2–3: deploy a bundle that reads 1, or migrate elsewhere");
        var owner = cluster.client().resolve("ledger").orElseThrow();
        assertThat(owner.node()).as("the source keeps ownership").isEqualTo("n1");
        assertThat(owner.epoch()).isEqualTo(before.epoch());
        assertThat(cluster.control("n2").list()).noneMatch(p -> p.name().equals("ledger"));
        assertThat(call("ledger", "INCR")).as("and keeps serving with its own code").startsWith("v1:2:");
    }

    @Test
    void shouldRefuseABundleWhosePulledBytesDoNotMatchItsHash() throws Exception {
        NodeControl n1 = cluster.control("n1");
        n1.start(spec("forged", n1.putBundle(counter("genuine", 1, 1))));
        String v2 = n1.putBundle(counter("upgrade", 1, 1));
        // The only holder's copy of the upgrade is swapped for other bytes under the same name.
        Path stored = cluster.workDir().resolve("nodes/n1/bundles/" + v2 + ".jar");
        Path other = Files.write(stored.resolveSibling("forged.part"), counter("forged", 1, 1));
        Files.move(other, stored, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> migrate("forged", "n3", MigrationMode.STOP_AND_COPY, v2));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BUNDLE_HASH_MISMATCH);
        assertThat(cluster.client().resolve("forged").orElseThrow().node()).isEqualTo("n1");
        assertThat(call("forged", "INCR")).startsWith("genuine:1:");
        CaravanException notStored = catchThrowableOfType(CaravanException.class, () -> cluster.control("n3").getBundle(v2));
        assertThat(notStored.code()).as("n3 stored nothing").isEqualTo(ErrorCode.NOT_FOUND);
    }

    private static void checkpoint(String name, Path file) {
        try (FrameClient f = FrameClient.connect(cluster.client().resolve(name).orElseThrow().control(), new Hello("test", ""),
                Duration.ofSeconds(10))) {
            MigrationReport r = MigrationReport.readFrom(f.call(Op.NODE_CHECKPOINT,
                    new BodyWriter().string(name).string(file.toString()).toBytes(), Duration.ofMinutes(1)).expectOk());
            assertThat(r.outcome().succeeded()).isTrue();
        }
    }

    @Test
    void shouldRestoreACheckpointIntoANewBuildThatReadsItsStateAndRefuseOneThatCannot() throws Exception {
        NodeControl n1 = cluster.control("n1");
        n1.start(spec("saved", n1.putBundle(counter("v1", 1, 1))));
        call("saved", "INCR");
        call("saved", "INCR");
        Path file = dir.resolve("saved.ckpt");
        checkpoint("saved", file);
        String reads = n1.putBundle(counter("v2", 2, 1));
        String cannot = n1.putBundle(counter("v3", 3, 2));
        CheckpointRestorer restorer = new CheckpointRestorer(cluster.client(), "");

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> restorer.restore(file, "n2", cluster.controlAddress("n2"), "saved-v3", cannot));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(e.getMessage()).isEqualTo("the checkpoint of process saved-v3 holds state version 1; bundle "
                + cannot.substring(0, 12) + "… on node n2 reads versions 2–3: restore it with a bundle that reads 1");
        assertThat(cluster.client().resolve("saved-v3")).as("nothing was registered").isEmpty();
        assertThat(cluster.control("n2").list()).noneMatch(p -> p.name().equals("saved-v3"));
        // The header says the state version: refused at the begin, before the pages (of a file cut short here) are read.
        byte[] whole = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.ckpt"), java.util.Arrays.copyOf(whole, whole.length - 100));
        CaravanException early = catchThrowableOfType(CaravanException.class,
                () -> restorer.restore(cut, "n2", cluster.controlAddress("n2"), "saved-cut", cannot));
        assertThat(early.code()).as(early.getMessage()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(catchThrowableOfType(CaravanException.class,
                () -> restorer.restore(cut, "n2", cluster.controlAddress("n2"), "saved-cut", reads)).code())
                .as("code that reads it gets as far as the cut").isEqualTo(ErrorCode.MALFORMED);

        MigrationReport r = restorer.restore(file, "n2", cluster.controlAddress("n2"), "saved-v2", reads);

        assertThat(r.outcome().label()).isEqualTo("restored");
        assertThat(call("saved-v2", "INCR")).startsWith("v2:3:");
        assertThat(call("saved-v2", "FROM")).isEqualTo("v1-state");
        assertThat(cluster.control("n2").inspect("saved-v2").bundle()).isEqualTo(reads);
    }

    @Test
    void shouldPrintTheRefusalOnOneLineAndExitOneWhenCaravanMigrateUpgradesToCodeThatCannotReadTheState() throws Exception {
        String naming = cluster.namingHostPort();
        Path v1 = Files.write(dir.resolve("v1.jar"), counter("cli-v1", 1, 1));
        Path v3 = Files.write(dir.resolve("v3.jar"), counter("cli-v3", 3, 3));
        Path v2 = Files.write(dir.resolve("v2.jar"), counter("cli-v2", 2, 1));
        assertThat(Console.run("deploy", v1.toString(), "--name", "cli-ledger", "--class", "demo.Counter", "--node", "n1",
                "--naming", naming).exitCode()).isZero();
        call("cli-ledger", "INCR");

        Console.Result refused = Console.run("migrate", "cli-ledger", "--to", "n2", "--upgrade-to", v3.toString(),
                "--naming", naming);

        String v3Hash = BundleBuilder.sha256(Files.readAllBytes(v3));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.errLines()).containsExactly("pushed v3.jar to n2 as bundle " + v3Hash,
                "caravan: process cli-ledger writes state version 1; bundle " + v3Hash.substring(0, 12)
                        + "… on node n2 reads version 3: deploy a bundle that reads 1, or migrate elsewhere [UNSUPPORTED_VERSION]");
        assertThat(cluster.client().resolve("cli-ledger").orElseThrow().node()).isEqualTo("n1");
        assertThat(call("cli-ledger", "INCR")).startsWith("cli-v1:2:");

        Console.Result upgraded = Console.run("migrate", "cli-ledger", "--to", "n2", "--upgrade-to", v2.toString(),
                "--naming", naming);

        assertThat(upgraded.exitCode()).as(upgraded.err()).isZero();
        assertThat(upgraded.out()).contains("committed: cli-ledger n1 -> n2");
        assertThat(call("cli-ledger", "INCR")).startsWith("cli-v2:3:");
        String v2Hash = BundleBuilder.sha256(Files.readAllBytes(v2));
        assertThat(Console.run("ps", "--naming", naming).out().lines().filter(l -> l.startsWith("cli-ledger ")))
                .as("ps shows the build it runs now, short").singleElement().asString().contains(v2Hash.substring(0, 12) + "…");
    }

    @Test
    void shouldResumeASuspendedLoopInANewBuildOnlyWhenItReadsTheStateAndItsLoopCodeIsTheSame() {
        NodeControl n1 = cluster.control("n1");
        ProcessInfo before = n1.start(new ProcessSpec("loop-ledger", "", n1.putBundle(loopLedger("v1", 1, 1, false)),
                "loops.Ledger", PROCESS_MEMORY_BYTES, Map.of()));
        String v3 = n1.putBundle(loopLedger("v3", 3, 3, false));
        String v4 = n1.putBundle(loopLedger("v4", 2, 1, true));
        String v2 = n1.putBundle(loopLedger("v2", 2, 1, false));
        addToLedger("5");
        assertThat(addToLedger("7")).isEqualTo("v1:12:2");

        CaravanException cannotRead = catchThrowableOfType(CaravanException.class,
                () -> migrate("loop-ledger", "n2", MigrationMode.PRE_COPY, v3));

        assertThat(cannotRead).as("v3 does not read state version 1").isNotNull();
        assertThat(cannotRead.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(cluster.client().resolve("loop-ledger").orElseThrow().node()).isEqualTo("n1");
        assertThat(addToLedger("1")).as("the loop keeps serving on the source with its locals").isEqualTo("v1:13:3");

        MigrationReport otherLoop = null;
        CaravanException otherLoopRefused = null;
        try {
            otherLoop = migrate("loop-ledger", "n2", MigrationMode.PRE_COPY, v4);
        } catch (CaravanException e) {
            otherLoopRefused = e;
        }

        assertThat(otherLoopRefused == null ? otherLoop.outcome().label() + " " + otherLoop.detail() : otherLoopRefused.getMessage())
                .as("v4 reads version 1 but its loop is other code: its frames cannot resume there")
                .doesNotContain("committed").contains("suspending methods differ");
        var owner = cluster.client().resolve("loop-ledger").orElseThrow();
        assertThat(owner.node()).as("the source keeps ownership").isEqualTo("n1");
        assertThat(owner.epoch()).isEqualTo(before.epoch());
        assertThat(cluster.control("n2").list()).noneMatch(p -> p.name().equals("loop-ledger"));
        assertThat(addToLedger("1")).isEqualTo("v1:14:4");

        MigrationReport upgraded = migrate("loop-ledger", "n2", MigrationMode.PRE_COPY, v2);

        assertThat(upgraded.outcome().label()).isEqualTo("committed");
        assertThat(addToLedger("1")).as("the v1 continuation resumed in v2's code, locals intact").isEqualTo("v2:15:5");
        assertThat(cluster.control("n2").inspect("loop-ledger").bundle()).isEqualTo(v2);
    }
}
