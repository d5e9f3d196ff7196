package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan kv commands}: a table with a header, --json the same fields, --markdown printing exactly docs/kv-commands.md. */
class KvCommandsCliTest {
    @Test
    void shouldPrintDocsKvCommandsMdWithMarkdown() throws Exception {
        Console.Result r = Console.run("kv", "commands", "--markdown");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "docs", "kv-commands.md")));
    }

    @Test
    void shouldPrintAHeaderThenOneCommandARowWithSubcommandsSpelledOut() {
        Console.Result r = Console.run("kv", "commands");

        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).matches("COMMAND +GROUP +ARGUMENTS +READ ONLY +SUMMARY");
        assertThat(lines).anyMatch(l -> l.matches("GET +string +1 +yes +Get the value of a key"))
                .anyMatch(l -> l.startsWith("CONFIG GET ")).anyMatch(l -> l.startsWith("BLPOP "))
                .noneMatch(l -> l.contains("CONFIG|GET"));
    }

    @Test
    void shouldPrintTheSameCommandsAsAJsonListWithJson() throws Exception {
        Console.Result r = Console.run("kv", "commands", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode list = new ObjectMapper().readTree(r.out());
        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isEqualTo(Console.run("kv", "commands").out().lines().count() - 1);
        JsonNode set = list.get(1);
        assertThat(set.get("command").asText()).isEqualTo("SET");
        assertThat(set.get("group").asText()).isEqualTo("string");
        assertThat(set.get("arguments").asText()).isEqualTo("≥ 2");
        assertThat(set.get("readOnly").asBoolean()).isFalse();
        assertThat(set.get("summary").asText()).isEqualTo("Set the string value of a key");
    }

    @Test
    void shouldRefuseJsonWithMarkdown() {
        Console.Result r = Console.run("kv", "commands", "--json", "--markdown");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--json and --markdown exclude each other");
    }
}
