package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A migrating process's declared resources are treated per the chapter's table, with real
 * resources: a data file moves, a configuration file is copied, a fastened file stays and is
 * reached by a global reference through its node, a TCP endpoint stays as it is, and a device
 * bound by type is rebound to the destination's own.
 */
@Tag("slow")
class ResourceBindingTest {
    @TempDir
    Path dir;

    private static String source(Path data, Path config, Path archive, int tcpPort) {
        return """
                package res;
                import dev.caravan.core.process.*;
                import dev.caravan.core.process.ResourceBinding.Attachment;
                import dev.caravan.core.process.ResourceBinding.Binding;
                import dev.caravan.wire.command.*;
                import java.util.List;
                public final class Holder implements CaravanProcess {
                    private ProcessContext ctx;
                    @Override public void onStart(ProcessContext c, boolean restored) { ctx = c; }
                    @Override public Reply onCommand(Command c) {
                        try {
                            return switch (c.name()) {
                                case "URI" -> Reply.bulk(ctx.resource(c.text(1)));
                                case "READ" -> {
                                    try (var in = ctx.openResource(c.text(1))) {
                                        yield Reply.bulk(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                                    }
                                }
                                default -> Reply.error("ERR unknown");
                            };
                        } catch (java.io.IOException e) {
                            return Reply.error("ERR " + e);
                        }
                    }
                    @Override public List<ResourceBinding> resources() {
                        return List.of(
                            new ResourceBinding("data", Binding.BY_IDENTIFIER, Attachment.UNATTACHED, "file:%s"),
                            new ResourceBinding("config", Binding.BY_VALUE, Attachment.UNATTACHED, "file:%s"),
                            new ResourceBinding("archive", Binding.BY_IDENTIFIER, Attachment.FASTENED, "file:%s"),
                            new ResourceBinding("db", Binding.BY_IDENTIFIER, Attachment.FIXED, "tcp://127.0.0.1:%d"),
                            new ResourceBinding("printer", Binding.BY_TYPE, Attachment.FIXED, "device:printer"));
                    }
                }
                """.formatted(data, config, archive, tcpPort);
    }

    @Test
    void shouldMoveCopyReferenceAndRebindResourcesWhenTheProcessMigrates() throws Exception {
        Path data = Files.writeString(dir.resolve("data.bin"), "the data");
        Path config = Files.writeString(dir.resolve("app.conf"), "the config");
        Path archive = Files.writeString(dir.resolve("archive.db"), "the archive");
        try (ServerSocket db = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             CaravanCluster c = CaravanCluster.aCluster().withNodes(2).withNodeArgs("--device", "printer=devices/printer").start()) {
            for (String node : new String[] {"n1", "n2"}) {
                Path device = c.workDir().resolve("nodes").resolve(node).resolve("resources/devices/printer");
                Files.createDirectories(device.getParent());
                Files.writeString(device, "printer at " + node);
            }
            byte[] jar = BundleBuilder.bundle().source("res.Holder", source(data, config, archive, db.getLocalPort())).build();
            c.deployBundle("holder", jar, "res.Holder", "n1");
            assertThat(c.client().call("holder", "READ", "printer")).isEqualTo(Reply.bulk("printer at n1"));

            MigrationReport r = NodeControl.migrate(c.controlAddress("n1"), "", new MigrationRequest("holder", "n2",
                    MigrationMode.STOP_AND_COPY, 50, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(1));
            assertThat(r.outcome().label()).isEqualTo("committed");

            // MV: the file travelled and left its old place.
            String dataUri = ((Reply.Bulk) c.client().call("holder", "URI", "data")).text();
            assertThat(dataUri).startsWith("file:").doesNotContain(dir.toString());
            assertThat(c.client().call("holder", "READ", "data")).isEqualTo(Reply.bulk("the data"));
            assertThat(data).doesNotExist();
            // CP: a copy at the destination; the original stays.
            assertThat(((Reply.Bulk) c.client().call("holder", "URI", "config")).text()).doesNotContain(dir.toString());
            assertThat(c.client().call("holder", "READ", "config")).isEqualTo(Reply.bulk("the config"));
            assertThat(config).exists();
            // GR: the fastened file stays at n1, reached through n1.
            assertThat(((Reply.Bulk) c.client().call("holder", "URI", "archive")).text()).startsWith("caravan-ref://n1/");
            assertThat(c.client().call("holder", "READ", "archive")).isEqualTo(Reply.bulk("the archive"));
            assertThat(archive).exists();
            // GR for an endpoint: its address is already global.
            assertThat(c.client().call("holder", "URI", "db")).isEqualTo(Reply.bulk("tcp://127.0.0.1:" + db.getLocalPort()));
            // RB: rebound to the destination's own printer.
            assertThat(c.client().call("holder", "READ", "printer")).isEqualTo(Reply.bulk("printer at n2"));
        }
    }
}
