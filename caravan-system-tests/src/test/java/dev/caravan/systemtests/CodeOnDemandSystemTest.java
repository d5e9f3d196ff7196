package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.NodeControl;
import dev.caravan.client.cod.CodeOnDemand;
import dev.caravan.client.cod.LoadedClientCode;
import dev.caravan.client.cod.Result;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code on demand with real node JVMs: a ledger service whose binary protocol the generic CLI
 * does not speak is deployed with its client bundle; {@code caravan use} fetches that code from
 * the node hosting the ledger, verifies it and runs it, before and after the ledger moves to
 * another node and the node it left is gone.
 */
class CodeOnDemandSystemTest {
    private static CaravanCluster cluster;
    private static byte[] clientJar;
    private static Path serviceJarFile;
    private static Path clientJarFile;

    @TempDir
    static Path files;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
        byte[] serviceJar = BundleBuilder.bundle().source("ledger.LedgerProcess", source("LedgerProcess")).build();
        clientJar = BundleBuilder.bundle().source("ledger.client.LedgerClient", source("LedgerClient")).build();
        serviceJarFile = Files.write(files.resolve("ledger.jar"), serviceJar);
        clientJarFile = Files.write(files.resolve("ledger-client.jar"), clientJar);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String source(String name) {
        try (InputStream in = CodeOnDemandSystemTest.class.getResourceAsStream("/cod/ledger/" + name + ".java.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Console.Result caravan(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--naming=" + cluster.namingHostPort();
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return Console.run(all);
    }

    private static void deployLedger(String name, String node) {
        Console.Result deployed = caravan("deploy", serviceJarFile.toString(), "--name", name, "--class", "ledger.LedgerProcess",
                "--node", node, "--client-bundle", clientJarFile.toString(), "--client-class", "ledger.client.LedgerClient");
        assertThat(deployed.exitCode()).as(deployed.err()).isZero();
        assertThat(deployed.out()).contains("pushed client code ledger-client.jar (ledger.client.LedgerClient) to " + node + " as bundle "
                + BundleBuilder.sha256(clientJar));
    }

    @Test
    void shouldRunTheLedgersOwnClientCodeWhereTheGenericCallCannotSpeakItsProtocol() throws Exception {
        deployLedger("ledger1", "n1");
        String cache = files.resolve("cache-1").toString();
        String hash = BundleBuilder.sha256(clientJar);

        Console.Result generic = caravan("call", "ledger1", "POST", "12.50 EUR coffee");
        assertThat(generic.exitCode()).isEqualTo(1);
        assertThat(generic.out() + generic.err()).contains("malformed payment record");

        Console.Result list = caravan("use", "ledger1", "--list", "--cache-dir", cache);
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.err()).contains("client code of ledger1: ledger.client.LedgerClient from bundle " + hash
                + " (fetched), SHA-256 verified");
        assertThat(list.out()).contains("ledger (binary protocol 1)").contains("caravan use ledger1 post AMOUNT CURRENCY");

        Console.Result post = caravan("use", "ledger1", "post", "12.50", "eur", "coffee", "--cache-dir", cache);
        assertThat(post.exitCode()).as(post.err()).isZero();
        assertThat(post.out().strip()).isEqualTo("payment #1: 12.50 EUR coffee");
        assertThat(post.err()).contains("(cached copy), SHA-256 verified");
        assertThat(caravan("use", "ledger1", "post", "0.75", "EUR", "--cache-dir", cache).exitCode()).isZero();

        Console.Result balance = caravan("use", "ledger1", "balance", "EUR", "--cache-dir", cache, "--expect-hash", hash);
        assertThat(balance.exitCode()).as(balance.err()).isZero();
        assertThat(balance.out().strip()).isEqualTo("13.25 EUR");
        assertThat(balance.err()).contains("verified and pinned");

        Console.Result json = caravan("use", "ledger1", "show", "1", "--cache-dir", cache, "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(doc.get("hash").asText()).isEqualTo(hash);
        assertThat(doc.get("verified").asBoolean()).isTrue();
        assertThat(doc.get("ok").asBoolean()).isTrue();
        assertThat(doc.get("output").asText()).isEqualTo("payment #1: 12.50 EUR coffee");

        Console.Result refused = caravan("use", "ledger1", "show", "7", "--cache-dir", cache);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.errLines()).last().asString().isEqualTo("caravan: the ledger refused: ERR no payment 7; there are 2");
    }

    @Test
    void shouldRefuseClientCodeThatIsNotThePinnedHash() {
        deployLedger("ledger-pinned", "n1");
        String other = "0".repeat(64);

        Console.Result r = caravan("use", "ledger-pinned", "balance", "EUR", "--cache-dir", files.resolve("cache-2").toString(),
                "--expect-hash", other);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("caravan: process ledger-pinned publishes client code "
                + BundleBuilder.sha256(clientJar) + ", not the pinned " + other
                + "; refused (drop --expect-hash to accept it) [BUNDLE_HASH_MISMATCH]");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void shouldSayInOneLineThatAProcessPublishesNoClientCode() {
        cluster.deployKv("plain-kv", "n1");

        Console.Result r = caravan("use", "plain-kv", "--list", "--cache-dir", files.resolve("cache-3").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("caravan: process plain-kv publishes no client code; deploy it with"
                + " --client-bundle JAR --client-class CLASS [NOT_FOUND]");
    }

    @Test
    void shouldServeTheSameClientCodeFromACloneWithItsCopiedPayments() {
        deployLedger("ledger-src", "n1");
        String cache = files.resolve("cache-clone").toString();
        assertThat(caravan("use", "ledger-src", "post", "3.10", "USD", "--cache-dir", cache).exitCode()).isZero();

        Console.Result cloned = caravan("clone", "ledger-src", "--to", "n2", "--name", "ledger-copy");
        assertThat(cloned.exitCode()).as(cloned.err()).isZero();

        Console.Result copy = caravan("use", "ledger-copy", "balance", "USD", "--cache-dir", cache);
        assertThat(copy.exitCode()).as(copy.err()).isZero();
        assertThat(copy.out().strip()).isEqualTo("3.10 USD");
        assertThat(copy.err()).contains("client code of ledger-copy: ledger.client.LedgerClient from bundle "
                + BundleBuilder.sha256(clientJar));
        assertThat(caravan("use", "ledger-copy", "post", "1", "USD", "--cache-dir", cache).exitCode()).isZero();
        assertThat(caravan("use", "ledger-src", "balance", "USD", "--cache-dir", cache).out().strip())
                .as("the original is a separate ledger").isEqualTo("3.10 USD");
    }

    @Test
    void shouldFetchAndUseTheClientCodeAgainAfterTheServiceMovedAndItsOldNodeIsGone() throws Exception {
        deployLedger("ledger-moving", "n3");
        assertThat(caravan("use", "ledger-moving", "post", "40", "CHF", "rent", "--cache-dir",
                files.resolve("cache-before").toString()).exitCode()).isZero();

        MigrationReport report = NodeControl.migrate(cluster.controlAddress("n3"), "",
                new MigrationRequest("ledger-moving", "n2", MigrationMode.STOP_AND_COPY, 50, 30, 2, false, "", ""), p -> { },
                Duration.ofSeconds(60));
        assertThat(report.outcome()).isEqualTo(MigrationOutcome.COMMITTED);
        assertThat(cluster.control("n2").getBundle(BundleBuilder.sha256(clientJar)))
                .as("the destination pulled the client bundle when the ledger arrived").isEqualTo(clientJar);
        cluster.killNode("n3");

        try (CaravanClient client = cluster.newClient()) {
            LoadedClientCode fresh = CodeOnDemand.fetch(client, "ledger-moving",
                    new CodeOnDemand.Options(files.resolve("cache-after"), "", CodeOnDemand.DEFAULT_MAX_BUNDLE_BYTES));
            assertThat(fresh.fromCache()).isFalse();
            assertThat(fresh.hash()).isEqualTo(BundleBuilder.sha256(clientJar));
            Result balance = fresh.code().run(CodeOnDemand.transport(client, "ledger-moving"), List.of("balance", "CHF"));
            assertThat(balance).isEqualTo(Result.ok("40.00 CHF"));
            Result show = fresh.code().run(CodeOnDemand.transport(client, "ledger-moving"), List.of("show", "1"));
            assertThat(show).isEqualTo(Result.ok("payment #1: 40.00 CHF rent"));
        }
    }
}
