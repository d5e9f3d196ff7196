package dev.caravan.migration.resources;

import dev.caravan.core.process.ResourceBinding;
import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every cell of the chapter's table, end to end between two nodes with real resources. */
class ResourceMigratorTest extends TwoNodeFixture {
    @Test
    void shouldMoveAFileBoundByIdentifierAndUnattached() throws IOException {
        Path data = dataFile("data", "the data");
        Migration m = migrate(nodeA, nodeB, binding("data", Binding.BY_IDENTIFIER, Attachment.UNATTACHED, "file:" + data));
        assertThat(m.action("data")).isEqualTo(Action.MOVE);
        assertThat(m.uri("data")).isEqualTo("file:" + dirB.resolve("files/proc/data").toAbsolutePath());
        assertThat(data).doesNotExist();
        assertThat(read(nodeB, m.uri("data"))).isEqualTo("the data");
    }

    @Test
    void shouldReferenceAFastenedFileBoundByIdentifier() throws IOException {
        Path db = dataFile("db", "rows");
        Migration m = migrate(nodeA, nodeB, binding("db", Binding.BY_IDENTIFIER, Attachment.FASTENED, "file:" + db));
        assertThat(m.action("db")).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(m.uri("db")).isEqualTo("caravan-ref://node-a/proc/db");
        assertThat(db).hasContent("rows");
        assertThat(nodeA.exportedNames()).containsExactly("proc/db");
        assertThat(read(nodeB, m.uri("db"))).isEqualTo("rows");
    }

    @Test
    void shouldKeepAFixedTcpEndpointBoundByIdentifierReachable() throws IOException {
        String endpoint = "tcp://127.0.0.1:" + server.getLocalPort();
        Migration m = migrate(nodeA, nodeB, binding("upstream", Binding.BY_IDENTIFIER, Attachment.FIXED, endpoint));
        assertThat(m.action("upstream")).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(m.uri("upstream")).isEqualTo(endpoint);
        ResourceUri uri = ResourceUri.parse(m.uri("upstream"));
        try (Socket s = new Socket(uri.first(), Integer.parseInt(uri.second()))) {
            assertThat(s.isConnected()).isTrue();
        }
        assertCode(() -> nodeB.open(endpoint), ErrorCode.NOT_SUPPORTED);
    }

    @Test
    void shouldCopyAnUnattachedFileBoundByValue() throws IOException {
        Path config = dataFile("config", "k=v");
        Migration m = migrate(nodeA, nodeB, binding("config", Binding.BY_VALUE, Attachment.UNATTACHED, "file:" + config));
        assertThat(m.action("config")).isEqualTo(Action.COPY);
        assertThat(config).hasContent("k=v");
        assertThat(dirB.resolve("files/proc/config")).hasContent("k=v");
        assertThat(read(nodeB, m.uri("config"))).isEqualTo("k=v");
    }

    @Test
    void shouldReferenceAFastenedFileBoundByValue() throws IOException {
        Path catalog = dataFile("catalog", "items");
        Migration m = migrate(nodeA, nodeB, binding("catalog", Binding.BY_VALUE, Attachment.FASTENED, "file:" + catalog));
        assertThat(m.action("catalog")).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(catalog).exists();
        assertThat(dirB.resolve("files")).doesNotExist();
        assertThat(read(nodeB, m.uri("catalog"))).isEqualTo("items");
    }

    @Test
    void shouldReferenceAFixedDeviceBoundByValue() throws IOException {
        Migration m = migrate(nodeA, nodeB, binding("scan", Binding.BY_VALUE, Attachment.FIXED, "device:scanner"));
        assertThat(m.action("scan")).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(m.uri("scan")).isEqualTo("caravan-ref://node-a/proc/scan");
        assertThat(read(nodeB, m.uri("scan"))).isEqualTo("scanner at a");
    }

    @Test
    void shouldRebindAnUnattachedLibraryBoundByTypeToTheDestinationsOwnCopy() throws IOException {
        Migration m = migrate(nodeA, nodeB, binding("codec", Binding.BY_TYPE, Attachment.UNATTACHED, "lib:codec.jar"));
        assertThat(m.action("codec")).isEqualTo(Action.REBIND);
        assertThat(m.transfers().getFirst().payload()).isEmpty();
        assertThat(m.uri("codec")).isEqualTo("lib:codec.jar");
        Files.delete(dirA.resolve("lib/codec.jar"));
        try (InputStream in = nodeB.open(m.uri("codec"))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(dirB.resolve("lib/codec.jar")));
        }
    }

    @Test
    void shouldRebindAFastenedDeviceBoundByTypeToTheDestinationsOwn() throws IOException {
        Migration m = migrate(nodeA, nodeB, binding("gpu", Binding.BY_TYPE, Attachment.FASTENED, "device:gpu"));
        assertThat(m.action("gpu")).isEqualTo(Action.REBIND);
        assertThat(read(nodeB, m.uri("gpu"))).isEqualTo("gpu at b");
        assertThat(read(nodeA, "device:gpu")).isEqualTo("gpu at a");
    }

    @Test
    void shouldRebindAFixedDeviceBoundByTypeToTheDestinationsOwn() throws IOException {
        Migration m = migrate(nodeA, nodeB, binding("out", Binding.BY_TYPE, Attachment.FIXED, "device:printer"));
        assertThat(m.action("out")).isEqualTo(Action.REBIND);
        assertThat(m.uri("out")).isEqualTo("device:printer");
        assertThat(read(nodeB, m.uri("out"))).isEqualTo("printer at b");
    }

    @Test
    void shouldCarryAllNineCellsInOneMigration() throws IOException {
        List<ResourceBinding> all = List.of(
                binding("data", Binding.BY_IDENTIFIER, Attachment.UNATTACHED, "file:" + dataFile("data", "d")),
                binding("db", Binding.BY_IDENTIFIER, Attachment.FASTENED, "file:" + dataFile("db", "rows")),
                binding("up", Binding.BY_IDENTIFIER, Attachment.FIXED, "tcp://127.0.0.1:" + server.getLocalPort()),
                binding("config", Binding.BY_VALUE, Attachment.UNATTACHED, "file:" + dataFile("config", "k=v")),
                binding("catalog", Binding.BY_VALUE, Attachment.FASTENED, "file:" + dataFile("catalog", "items")),
                binding("scan", Binding.BY_VALUE, Attachment.FIXED, "device:scanner"),
                binding("codec", Binding.BY_TYPE, Attachment.UNATTACHED, "lib:codec.jar"),
                binding("gpu", Binding.BY_TYPE, Attachment.FASTENED, "device:gpu"),
                binding("out", Binding.BY_TYPE, Attachment.FIXED, "device:printer"));
        List<ResourceTransfer> prepared = nodeA.prepare("proc", all, Map.of(), false);
        Migration m = new Migration(prepared, nodeB);
        nodeA.finishAtSource(prepared);
        assertThat(prepared).extracting(ResourceTransfer::action).containsExactly(Action.MOVE, Action.GLOBAL_REFERENCE,
                Action.GLOBAL_REFERENCE, Action.COPY, Action.GLOBAL_REFERENCE, Action.GLOBAL_REFERENCE,
                Action.REBIND, Action.REBIND, Action.REBIND);
        assertThat(m.uris()).containsOnlyKeys("data", "db", "up", "config", "catalog", "scan", "codec", "gpu", "out");
        assertThat(nodeA.exportedNames()).containsExactlyInAnyOrder("proc/db", "proc/catalog", "proc/scan",
                "proc/codec", "proc/gpu", "proc/out");
        assertThat(read(nodeB, m.uri("db"))).isEqualTo("rows");
        assertThat(read(nodeB, m.uri("out"))).isEqualTo("printer at b");
    }
}
