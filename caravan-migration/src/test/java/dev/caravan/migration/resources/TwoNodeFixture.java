package dev.caravan.migration.resources;

import dev.caravan.core.process.ResourceBinding;
import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ResourceProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fixture: two nodes, each a {@link ResourceMigrator} over its own directory, joined by a remote
 * reader that calls the other migrator's {@link ResourceMigrator#readExported} as the node
 * control port will. Every migration goes prepare → wire codec → install → wire codec → finishAtSource.
 */
abstract class TwoNodeFixture {
    @TempDir
    Path tmp;
    Path dirA;
    Path dirB;
    ResourceMigrator nodeA;
    ResourceMigrator nodeB;
    ServerSocket server;
    private final Map<String, ResourceMigrator> nodes = new HashMap<>();
    private final RemoteResourceReader remote = (node, name, offset, max) ->
            nodes.get(node).readExported(name, offset, max);

    @BeforeEach
    void twoNodes() throws IOException {
        dirA = tmp.resolve("a");
        dirB = tmp.resolve("b");
        for (Path d : List.of(dirA, dirB)) {
            Files.createDirectories(d.resolve("lib"));
            Files.createDirectories(d.resolve("devices"));
            writeJar(d.resolve("lib/codec.jar"));
        }
        Files.writeString(dirA.resolve("devices/printer"), "printer at a");
        Files.writeString(dirA.resolve("devices/gpu"), "gpu at a");
        Files.writeString(dirA.resolve("devices/scanner"), "scanner at a");
        Files.writeString(dirB.resolve("devices/printer"), "printer at b");
        Files.writeString(dirB.resolve("devices/gpu"), "gpu at b");
        nodeA = new ResourceMigrator("node-a", dirA, Map.of("printer", "devices/printer", "gpu", "devices/gpu",
                "scanner", "devices/scanner"), "127.0.0.1:7001", remote);
        nodeB = new ResourceMigrator("node-b", dirB, Map.of("printer", "devices/printer", "gpu", "devices/gpu"),
                "127.0.0.1:7002", remote);
        nodes.put("node-a", nodeA);
        nodes.put("node-b", nodeB);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeServer() throws IOException {
        server.close();
    }

    /** One migration A → B as the wire carries it, committed. */
    record Migration(List<ResourceTransfer> transfers, Map<String, String> uris) {
        Migration(List<ResourceTransfer> prepared, ResourceMigrator destination) {
            this(prepared, installOverTheWire(prepared, destination));
        }

        Action action(String name) {
            return transfers.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().action();
        }

        String uri(String name) {
            return uris.get(name);
        }
    }

    private static Map<String, String> installOverTheWire(List<ResourceTransfer> prepared, ResourceMigrator destination) {
        ResourceProtocol.Resources arrived = ResourceProtocol.readResources(
                new BodyReader(ResourceTransfer.resourcesBody("proc", prepared)));
        Map<String, String> installed = destination.install(arrived.process(), ResourceTransfer.fromWire(arrived.transfers()));
        return ResourceProtocol.readUris(new BodyReader(ResourceProtocol.urisBody(installed)));
    }

    static Migration migrate(ResourceMigrator source, ResourceMigrator destination, ResourceBinding b) {
        List<ResourceTransfer> prepared = source.prepare("proc", List.of(b), Map.of(), false);
        Migration m = new Migration(prepared, destination);
        source.finishAtSource(prepared);
        return m;
    }

    static ResourceBinding binding(String name, Binding b, Attachment a, String uri) {
        return new ResourceBinding(name, b, a, uri);
    }

    Path dataFile(String name, String content) throws IOException {
        Path p = tmp.resolve("a-data").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    static String read(ResourceMigrator node, String uri) throws IOException {
        try (InputStream in = node.open(uri)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void writeJar(Path p) throws IOException {
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("dev/caravan/Codec.txt"));
            jar.write("codec v1".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    static void assertCode(ThrowingRunnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
