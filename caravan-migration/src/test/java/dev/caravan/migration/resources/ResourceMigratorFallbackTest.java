package dev.caravan.migration.resources;

import dev.caravan.core.process.ResourceBinding;
import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The alternatives of the table, rollback, returning home, and what a node refuses to serve. */
class ResourceMigratorFallbackTest extends TwoNodeFixture {
    @Test
    void shouldReferenceTheSourcesDeviceWhenTheDestinationHasNoneOfTheType() throws IOException {
        Migration m = migrate(nodeA, nodeB, binding("scan", Binding.BY_TYPE, Attachment.FIXED, "device:scanner"));
        assertThat(m.transfers().getFirst().fallback()).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(m.uri("scan")).isEqualTo("caravan-ref://node-a/proc/scan");
        assertThat(read(nodeB, m.uri("scan"))).isEqualTo("scanner at a");
    }

    @Test
    void shouldFailClearlyAndLeaveNothingWhenARebindHasNoTargetAndNoFallback() throws IOException {
        Path data = dataFile("data", "the data");
        nodeA.draining(true);
        List<ResourceTransfer> t = nodeA.prepare("proc", List.of(
                binding("data", Binding.BY_IDENTIFIER, Attachment.UNATTACHED, "file:" + data),
                binding("scan", Binding.BY_TYPE, Attachment.FIXED, "device:scanner")), Map.of(), false);
        assertThat(t.get(1).fallback()).isNull();
        assertCode(() -> nodeB.install("proc", t), ErrorCode.NOT_FOUND);
        assertThat(dirB.resolve("files/proc/data")).doesNotExist();
        assertThat(data).exists();
    }

    @Test
    void shouldLeaveAFileTooLargeToMoveAsAReferenceReadableInChunks() throws IOException {
        Path big = tmp.resolve("big");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(ResourceTransfer.MAX_PAYLOAD_BYTES + 1L);
            f.seek(ResourceTransfer.MAX_PAYLOAD_BYTES);
            f.write(7);
        }
        Migration m = migrate(nodeA, nodeB, binding("big", Binding.BY_IDENTIFIER, Attachment.UNATTACHED, "file:" + big));
        assertThat(m.action("big")).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(big).exists();
        try (InputStream in = nodeB.open(m.uri("big"))) {
            byte[] all = in.readAllBytes();
            assertThat(all).hasSize(ResourceTransfer.MAX_PAYLOAD_BYTES + 1);
            assertThat(all[ResourceTransfer.MAX_PAYLOAD_BYTES]).isEqualTo((byte) 7);
        }
    }

    @Test
    void shouldCopyALibraryOnlyAsAFileWhenTheDestinationsDiffers() throws IOException {
        Migration same = migrate(nodeA, nodeB, binding("codec", Binding.BY_VALUE, Attachment.UNATTACHED, "lib:codec.jar"));
        assertThat(same.action("codec")).isEqualTo(Action.COPY);
        assertThat(same.uri("codec")).isEqualTo("lib:codec.jar");
        Files.writeString(dirB.resolve("lib/codec.jar"), "another version");
        Migration differs = migrate(nodeA, nodeB, binding("codec", Binding.BY_VALUE, Attachment.UNATTACHED, "lib:codec.jar"));
        assertThat(differs.uri("codec")).isEqualTo("file:" + dirB.resolve("files/proc/codec").toAbsolutePath());
        assertThat(Files.readAllBytes(dirB.resolve("files/proc/codec"))).isEqualTo(Files.readAllBytes(dirA.resolve("lib/codec.jar")));
    }

    @Test
    void shouldKeepTheMovedFileAtTheSourceWhenTheMigrationAbortsBeforeCommit() throws IOException {
        Path data = dataFile("data", "the data");
        List<ResourceTransfer> t = nodeA.prepare("proc",
                List.of(binding("data", Binding.BY_IDENTIFIER, Attachment.UNATTACHED, "file:" + data)), Map.of(), false);
        nodeB.install("proc", t);
        assertThat(dirB.resolve("files/proc/data")).exists();
        nodeB.discardInstalled("proc", t);
        assertThat(dirB.resolve("files/proc/data")).doesNotExist();
        assertThat(data).hasContent("the data");
    }

    @Test
    void shouldTurnAReferenceBackIntoTheLocalResourceWhenTheProcessReturns() throws IOException {
        Path db = dataFile("db", "rows");
        ResourceBinding b = binding("db", Binding.BY_IDENTIFIER, Attachment.FASTENED, "file:" + db);
        Migration there = migrate(nodeA, nodeB, b);
        Migration back = new Migration(nodeB.prepare("proc", List.of(b), there.uris(), false), nodeA);
        assertThat(back.action("db")).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(back.uri("db")).isEqualTo("file:" + db);
    }

    @Test
    void shouldNeverServeWhatWasNotExported() throws IOException {
        dataFile("secret", "no");
        for (String name : List.of("proc/secret", "../secret", tmp.resolve("secret").toString(), "proc/../secret")) {
            assertCode(() -> nodeA.readExported(name, 0, 100), ErrorCode.NOT_FOUND);
        }
        assertCode(() -> nodeB.open("caravan-ref://node-a/proc/secret"), ErrorCode.NOT_FOUND);
    }

    @Test
    void shouldRefuseDevicesOutsideTheNodeDirectory() {
        assertCode(() -> new ResourceMigrator("n", dirA, Map.of("printer", "../elsewhere"), "h:1"), ErrorCode.INVALID_ARGUMENT);
    }
}
