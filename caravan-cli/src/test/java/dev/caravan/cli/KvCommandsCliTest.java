package dev.caravan.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan kv commands}: the names, and --markdown printing exactly docs/kv-commands.md. */
class KvCommandsCliTest {
    @Test
    void shouldPrintDocsKvCommandsMdWithMarkdown() throws Exception {
        Console.Result r = Console.run("kv", "commands", "--markdown");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "docs", "kv-commands.md")));
    }

    @Test
    void shouldPrintOneNameALineWithSubcommandsSpelledOut() {
        Console.Result r = Console.run("kv", "commands");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines()).contains("GET", "CONFIG GET", "BLPOP").doesNotContain("CONFIG|GET");
    }
}
