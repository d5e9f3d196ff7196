package dev.caravan.client.cod;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ClientBundleProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Fetching, verifying, caching and loading client code, against a source that serves what each test needs. */
class CodeOnDemandTest {
    private static final String ECHO = """
            package stub;
            import dev.caravan.client.cod.*;
            import dev.caravan.wire.command.*;
            import java.util.List;
            public final class Echo implements ClientCode {
                public String describe() { return "echo stub"; }
                public List<String> commands() { return List.of("say TEXT"); }
                public Result run(Transport t, List<String> args) {
                    Reply r = t.call(Command.of("SAY", String.join(" ", args)), true);
                    return Result.ok(((Reply.Bulk) r).text() + " via " + getClass().getClassLoader().getName());
                }
            }
            """;
    private static final byte[] ECHO_JAR = InMemoryJar.compile(Map.of("stub.Echo", ECHO));
    private static final String ECHO_HASH = ClientCodeCache.sha256(ECHO_JAR);

    @TempDir
    Path cache;

    /** Serves one reply, as a node does: no bytes when the client's cached hash is current; records what it was asked. */
    private static final class Served implements ClientBundleSource {
        final List<String> askedWithCached = new ArrayList<>();
        String hash;
        String entry;
        byte[] jar;

        Served(String hash, String entry, byte[] jar) {
            this.hash = hash;
            this.entry = entry;
            this.jar = jar;
        }

        @Override
        public ClientBundleProtocol.Reply fetch(String process, String cachedHash, int maxJarBytes) {
            askedWithCached.add(cachedHash);
            return new ClientBundleProtocol.Reply(hash, entry, hash.equals(cachedHash) ? new byte[0] : jar);
        }
    }

    private CodeOnDemand.Options options() {
        return new CodeOnDemand.Options(cache, "", CodeOnDemand.DEFAULT_MAX_BUNDLE_BYTES);
    }

    @Test
    void shouldLoadVerifiedCodeInItsOwnLoaderAndRunItAgainstTheService() {
        LoadedClientCode loaded = CodeOnDemand.fetch(new Served(ECHO_HASH, "stub.Echo", ECHO_JAR), "svc", options());

        assertThatThrownBy(() -> Class.forName("stub.Echo")).as("the stub is on no class path")
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(loaded.hash()).isEqualTo(ECHO_HASH);
        assertThat(loaded.fromCache()).isFalse();
        assertThat(loaded.code().describe()).isEqualTo("echo stub");
        assertThat(loaded.code().commands()).containsExactly("say TEXT");
        ClassLoader loader = loaded.code().getClass().getClassLoader();
        assertThat(loader).isInstanceOf(ClientCodeLoader.class);
        assertThat(loader.getParent()).as("parent: the client library's loader, nothing else")
                .isSameAs(ClientCode.class.getClassLoader());
        List<Command> sent = new ArrayList<>();
        Transport transport = new Transport() {
            @Override
            public String process() {
                return "svc";
            }

            @Override
            public Reply call(Command command, boolean readOnly) {
                sent.add(command);
                return Reply.bulk("heard " + command.text(1));
            }
        };
        Result result = loaded.code().run(transport, List.of("hello", "there"));
        assertThat(result).isEqualTo(Result.ok("heard hello there via client-code-" + ECHO_HASH.substring(0, 12)));
        assertThat(sent).containsExactly(Command.of("SAY", "hello there"));
        assertThat(cache.resolve(ECHO_HASH + ".jar")).as("cached by hash").hasBinaryContent(ECHO_JAR);
    }

    @Test
    void shouldUseTheCachedCopyWhenTheServiceConfirmsItsHash() {
        Served served = new Served(ECHO_HASH, "stub.Echo", ECHO_JAR);
        CodeOnDemand.fetch(served, "svc", options());

        LoadedClientCode second = CodeOnDemand.fetch(served, "svc", options());

        assertThat(served.askedWithCached).containsExactly("", ECHO_HASH);
        assertThat(second.fromCache()).isTrue();
        assertThat(second.code().describe()).isEqualTo("echo stub");
    }

    @Test
    void shouldFetchAgainWhenTheCachedCopyWasChangedOnDisk() throws Exception {
        Served served = new Served(ECHO_HASH, "stub.Echo", ECHO_JAR);
        CodeOnDemand.fetch(served, "svc", options());
        Path cached = cache.resolve(ECHO_HASH + ".jar");
        byte[] tampered = ECHO_JAR.clone();
        tampered[tampered.length / 2] ^= 0x5A;
        Files.write(cached, tampered);

        LoadedClientCode again = CodeOnDemand.fetch(served, "svc", options());

        assertThat(served.askedWithCached).containsExactly("", ECHO_HASH, "");
        assertThat(again.fromCache()).isFalse();
        assertThat(cached).as("the cache holds the verified bytes again").hasBinaryContent(ECHO_JAR);
    }

    @Test
    void shouldRefuseTamperedBytesAndCacheNothing() {
        byte[] tampered = ECHO_JAR.clone();
        tampered[tampered.length / 2] ^= 0x5A;

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> CodeOnDemand.fetch(new Served(ECHO_HASH, "stub.Echo", tampered), "svc", options()));

        assertThat(e.code()).isEqualTo(ErrorCode.BUNDLE_HASH_MISMATCH);
        assertThat(e.getMessage()).contains("not the announced " + ECHO_HASH).doesNotContain("\n");
        assertThat(cache.resolve(ECHO_HASH + ".jar")).doesNotExist();
    }

    @Test
    void shouldRefuseCodeWhoseAnnouncedHashIsNotThePinnedOne() {
        String pinned = "ab".repeat(32);

        CaravanException e = catchThrowableOfType(CaravanException.class, () -> CodeOnDemand.fetch(
                new Served(ECHO_HASH, "stub.Echo", ECHO_JAR), "svc", options().expecting(pinned)));

        assertThat(e.code()).isEqualTo(ErrorCode.BUNDLE_HASH_MISMATCH);
        assertThat(e.getMessage()).contains("publishes client code " + ECHO_HASH).contains("not the pinned " + pinned);
    }

    @Test
    void shouldAcceptCodeWhoseHashIsThePinnedOne() {
        LoadedClientCode loaded = CodeOnDemand.fetch(new Served(ECHO_HASH, "stub.Echo", ECHO_JAR), "svc",
                options().expecting(ECHO_HASH.toUpperCase(java.util.Locale.ROOT)));

        assertThat(loaded.code().describe()).isEqualTo("echo stub");
    }

    @Test
    void shouldRefuseEntryClassThatDoesNotImplementClientCode() {
        byte[] jar = InMemoryJar.compile(Map.of("stub.Plain", "package stub; public final class Plain { }"));

        CaravanException e = catchThrowableOfType(CaravanException.class, () -> CodeOnDemand.fetch(
                new Served(ClientCodeCache.sha256(jar), "stub.Plain", jar), "svc", options()));

        assertThat(e.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
        assertThat(e.getMessage()).isEqualTo("stub.Plain in client bundle " + ClientCodeCache.sha256(jar)
                + " does not implement dev.caravan.client.cod.ClientCode");
    }

    @Test
    void shouldRefuseBundleWithoutTheAnnouncedClass() {
        CaravanException e = catchThrowableOfType(CaravanException.class, () -> CodeOnDemand.fetch(
                new Served(ECHO_HASH, "stub.Missing", ECHO_JAR), "svc", options()));

        assertThat(e.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
        assertThat(e.getMessage()).isEqualTo("client bundle " + ECHO_HASH + " has no class stub.Missing");
    }

    @Test
    void shouldRefuseBytesThatAreNotAJar() {
        byte[] text = "#!/bin/sh\necho not a jar\n".getBytes(StandardCharsets.UTF_8);

        CaravanException e = catchThrowableOfType(CaravanException.class, () -> CodeOnDemand.fetch(
                new Served(ClientCodeCache.sha256(text), "stub.Echo", text), "svc", options()));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(e.getMessage()).contains("is not a jar");
    }

    @Test
    void shouldRefuseOversizedBundleBeforeCopyingIt() {
        BodyWriter w = new BodyWriter();
        new ClientBundleProtocol.Reply(ECHO_HASH, "stub.Echo", ECHO_JAR).writeTo(w);
        BodyReader body = new BodyReader(w.toBytes());

        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> ClientBundleProtocol.Reply.readFrom(body, ECHO_JAR.length - 1));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).contains(ECHO_JAR.length + " bytes exceeds the limit of " + (ECHO_JAR.length - 1));
        assertThat(ClientBundleProtocol.Reply.readFrom(new BodyReader(w.toBytes()), ECHO_JAR.length).jar())
                .as("at the limit it is read").isEqualTo(ECHO_JAR);
    }

    @Test
    void shouldRefuseBundleThatUnpacksFarBeyondItsLimit() {
        byte[] bomb = InMemoryJar.jar(Map.of("zeros.bin", new byte[4 * 1024 * 1024]));
        int limit = 64 * 1024;
        assertThat(bomb.length).as("it compresses well under the limit").isLessThan(limit);

        CaravanException e = catchThrowableOfType(CaravanException.class, () -> CodeOnDemand.fetch(
                new Served(ClientCodeCache.sha256(bomb), "stub.Echo", bomb), "svc", new CodeOnDemand.Options(cache, "", limit)));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).contains("unpacks to more than " + (limit * CodeOnDemand.MAX_UNPACK_RATIO));
    }
}
