package dev.caravan.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ClientBundleProtocol;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The node's side of code on demand, without sockets: declarations, pulling, and the NODE_CLIENT_BUNDLE reply. */
class ClientBundlesTest {
    @TempDir
    Path dir;

    private static ProcessSpec spec(Map<String, String> config) {
        return new ProcessSpec("ledger", "kv", "", "", 1 << 20, config);
    }

    private static Map<String, String> declaring(String hash) {
        return Map.of(ClientBundleProtocol.BUNDLE_KEY, hash, ClientBundleProtocol.CLASS_KEY, "ledger.client.LedgerClient");
    }

    private static ClientBundleProtocol.Reply ask(ClientBundles bundles, String process, String cachedHash) throws Exception {
        BodyWriter out = new BodyWriter();
        bundles.onRequest(new BodyReader(ClientBundleProtocol.request(process, cachedHash)), out);
        return ClientBundleProtocol.Reply.readFrom(new BodyReader(out.toBytes()), Integer.MAX_VALUE);
    }

    @Test
    void shouldServeTheDeclaredBundleAndNoBytesWhenTheClientsCopyIsCurrent() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            byte[] jar = BundleStoreTest.jar("stub.txt", "client code");
            String hash = store.put(jar, "");
            ClientBundles bundles = new ClientBundles(store, h -> { throw new AssertionError("nothing to pull"); },
                    name -> spec(declaring(hash)));

            ClientBundleProtocol.Reply fresh = ask(bundles, "ledger", "");
            ClientBundleProtocol.Reply current = ask(bundles, "ledger", hash);

            assertThat(fresh).extracting(ClientBundleProtocol.Reply::hash, ClientBundleProtocol.Reply::entryClass)
                    .containsExactly(hash, "ledger.client.LedgerClient");
            assertThat(fresh.jar()).isEqualTo(jar);
            assertThat(current.jar()).isEmpty();
            assertThat(ask(bundles, "ledger", "1".repeat(64)).jar()).as("a stale copy gets the bytes").isEqualTo(jar);
        }
    }

    @Test
    void shouldAnswerNotFoundInOneLineWhenTheProcessPublishesNoClientCode() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            ClientBundles bundles = new ClientBundles(store, h -> { }, name -> spec(Map.of()));

            CaravanException e = catchThrowableOfType(CaravanException.class, () -> ask(bundles, "plain", ""));

            assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("process plain publishes no client code; deploy it with --client-bundle JAR"
                    + " --client-class CLASS");
        }
    }

    @Test
    void shouldPullAMissingClientBundleBeforeTheProcessIsAdmitted() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            byte[] jar = BundleStoreTest.jar("stub.txt", "pulled");
            String hash = BundleStore.sha256(jar);
            List<String> pulled = new ArrayList<>();
            ClientBundles bundles = new ClientBundles(store, h -> {
                pulled.add(h);
                store.put(jar, h);
            }, name -> spec(declaring(hash)));

            bundles.ensurePresent(spec(declaring(hash)));
            bundles.ensurePresent(spec(declaring(hash)));
            bundles.ensurePresent(spec(Map.of()));

            assertThat(pulled).as("pulled once, and only when declared").containsExactly(hash);
            assertThat(store.has(hash)).isTrue();
        }
    }

    @Test
    void shouldRefuseAdmittingAProcessWhoseClientBundleNoNodeHolds() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            String hash = "2".repeat(64);
            ClientBundles bundles = new ClientBundles(store, h -> {
                throw ErrorCode.NOT_FOUND.exception("no node holds bundle " + h);
            }, name -> spec(declaring(hash)));

            CaravanException e = catchThrowableOfType(CaravanException.class, () -> bundles.ensurePresent(spec(declaring(hash))));

            assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("the client bundle of ledger: no node holds bundle " + hash);
        }
    }

    @Test
    void shouldRefuseHalfOrMalformedDeclarations() {
        assertThat(catchThrowableOfType(CaravanException.class, () -> ClientBundleProtocol.declared(
                Map.of(ClientBundleProtocol.BUNDLE_KEY, "3".repeat(64)))).getMessage())
                .contains("needs both client.bundle and client.class");
        assertThat(catchThrowableOfType(CaravanException.class, () -> ClientBundleProtocol.declared(
                Map.of(ClientBundleProtocol.BUNDLE_KEY, "XYZ", ClientBundleProtocol.CLASS_KEY, "a.B"))).getMessage())
                .contains("64 lower-case hex digits");
        assertThat(catchThrowableOfType(CaravanException.class, () -> ClientBundleProtocol.declared(
                Map.of(ClientBundleProtocol.BUNDLE_KEY, "3".repeat(64), ClientBundleProtocol.CLASS_KEY, "a b"))).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(ClientBundleProtocol.declared(Map.of("server.model", "iterative"))).isEmpty();
    }
}
