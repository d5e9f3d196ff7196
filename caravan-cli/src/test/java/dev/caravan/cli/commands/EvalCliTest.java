package dev.caravan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.Console;
import dev.caravan.lab.code.BundleJar;
import dev.caravan.lab.code.CountMatching;
import dev.caravan.lab.code.DataSet;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan eval} and a tiny {@code caravan lab code} against real node JVMs. */
class EvalCliTest {
    @TempDir
    Path dir;

    @Test
    void shouldEvaluateAShippedFunctionFromTheCommandLine() throws Exception {
        Path jar = Files.write(dir.resolve("count.jar"), BundleJar.of(CountMatching.class, DataSet.class));
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(1).start()) {
            String naming = c.namingHostPort();
            assertThat(Console.run("deploy", "--sample", "kv", "--name", "ev", "--node", "n1", "--naming", naming).exitCode()).isZero();
            DataSet data = new DataSet(50, 32);
            List<String> mset = new ArrayList<>(List.of("call", "ev", "MSET"));
            for (int i = 0; i < data.keys(); i++) {
                mset.add("key:" + i);
                mset.add(new String(data.value(i), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            mset.addAll(List.of("--naming", naming));
            assertThat(Console.run(mset.toArray(String[]::new)).exitCode()).isZero();

            Console.Result text = Console.run("eval", "ev", jar.toString(), "--class", CountMatching.class.getName(),
                    "--arg", DataSet.PATTERN, "--naming", naming);
            assertThat(text.exitCode()).as(text.err()).isZero();
            assertThat(text.out()).startsWith("(integer) " + data.expectedMatches() + "\n").contains("ms on node n1, allocated");

            Console.Result json = Console.run("eval", "ev", jar.toString(), "--class", CountMatching.class.getName(),
                    "--arg", DataSet.PATTERN, "--json", "--naming", naming);
            JsonNode reply = new ObjectMapper().readTree(json.out());
            assertThat(reply.get("reply").asLong()).isEqualTo(data.expectedMatches());
            assertThat(reply.get("node").asText()).isEqualTo("n1");

            Console.Result missing = Console.run("eval", "ev", jar.toString(), "--class", "no.Such", "--naming", naming);
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.errLines()).hasSize(1);
            assertThat(missing.err()).contains("class no.Such is not in the bundle");

            Console.Result badBudget = Console.run("eval", "ev", jar.toString(), "--class", "x", "--time-budget", "soon",
                    "--naming", naming);
            assertThat(badBudget.exitCode()).isEqualTo(2);
        }
    }

    @Test
    void shouldRunATinyCodeLabWhoseCountsAgree() throws Exception {
        Console.Result lab = Console.run("lab", "code", "--size", "256k", "--value-bytes", "256", "--runs", "2",
                "--out", dir.resolve("out").toString(), "--work-dir", dir.resolve("work").toString());

        assertThat(lab.exitCode()).as(lab.err()).isZero();
        long expected = DataSet.ofSize(256 << 10, 256).expectedMatches();
        assertThat(lab.out()).contains("remote evaluation (function shipped to the data)")
                .contains("client-server (SCAN + MGET, count at the client)")
                .contains("bytes moved");
        assertThat(lab.err()).contains("remote evaluation " + expected + " matches").contains("client-server " + expected + " matches");
        assertThat(dir.resolve("out").resolve("code-bytes.png")).isNotEmptyFile();
        assertThat(dir.resolve("out").resolve("code-time.png")).isNotEmptyFile();
        assertThat(dir.resolve("out").resolve("code.json")).isNotEmptyFile();
    }
}
