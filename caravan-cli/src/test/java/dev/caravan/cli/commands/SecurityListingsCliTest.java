package dev.caravan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The issue-14 listings as a user reads them: {@code slice ls}, {@code tokens ls}, {@code certs ls --json}. */
class SecurityListingsCliTest {
    @TempDir
    Path tmp;

    @Test
    void sliceLsShowsMemoryInTheSizeFormatOfEveryOtherTable() {
        String dir = tmp.resolve("slices").toString();
        assertThat(Console.run("slice", "create", "acme", "--memory", "64m", "--slices-dir", dir).exitCode()).isZero();
        assertThat(Console.run("slice", "create", "beta", "--processes", "2", "--slices-dir", dir).exitCode()).isZero();

        Console.Result r = Console.run("slice", "ls", "--no-usage", "--slices-dir", dir);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("acme +0/- +0 B/64\\.0 MiB +-").containsPattern("beta +0/2 +0 B/- +-")
                .doesNotContain("67108864");
    }

    @Test
    void tokensLsListsNameRoleAndSliceButNeverTheHashes() throws Exception {
        String file = tmp.resolve("tokens").toString();
        Console.Result added = Console.run("tokens", "add", "alice", "--role", "operator", "--slice", "team-a", "--file", file);
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(Console.run("tokens", "add", "ops", "--role", "admin", "--file", file).exitCode()).isZero();
        String hashes = Files.readString(Path.of(file));

        Console.Result table = Console.run("tokens", "ls", "--file", file);
        Console.Result json = Console.run("tokens", "ls", "--file", file, "--json");

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3);
        assertThat(table.out()).containsPattern("alice +operator +team-a").containsPattern("ops +admin +-");
        JsonNode rows = new ObjectMapper().readTree(json.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("name").asText()).isEqualTo("alice");
        assertThat(rows.get(0).get("role").asText()).isEqualTo("operator");
        assertThat(rows.get(0).get("slice").asText()).isEqualTo("team-a");
        assertThat(rows.get(1).get("slice").isNull()).as("no slice: null, as the table's '-'").isTrue();
        for (String line : hashes.lines().skip(1).toList()) {
            String hash = line.substring(line.lastIndexOf(' ') + 1);
            assertThat(table.out() + json.out()).doesNotContain(hash);
        }
        assertThat(table.out() + json.out()).doesNotContain(added.out().strip());
    }

    @Test
    void tokensLsWithoutAFileSaysHowToMakeOne() {
        Console.Result r = Console.run("tokens", "ls", "--file", tmp.resolve("none").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().contains("caravan tokens add");
    }

    @Test
    void certsLsJsonGivesNullForNoSliceAsTheTableGivesDash() throws Exception {
        String pki = tmp.resolve("pki").toString();
        assertThat(Console.run("certs", "init", "--dir", pki).exitCode()).isZero();
        assertThat(Console.run("certs", "issue", "ops", "--role", "admin", "--dir", pki).exitCode()).isZero();

        Console.Result r = Console.run("certs", "ls", "--dir", pki, "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("slice").isNull()).isTrue();
    }
}
