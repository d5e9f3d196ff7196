package dev.caravan.kv;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/kv-commands.md is exactly what the generator prints from the command table (a golden check). */
class KvCommandsMarkdownTest {
    private static final Path DOC = Path.of("..", "docs", "kv-commands.md");

    @Test
    void shouldMatchTheCommandTableInDocsKvCommandsMd() throws Exception {
        assertThat(DOC).as("docs/kv-commands.md is missing; generate it: " + KvCommandsMarkdown.REGENERATE).exists();

        assertThat(Files.readString(DOC))
                .as("docs/kv-commands.md differs from the command table; regenerate it: " + KvCommandsMarkdown.REGENERATE)
                .isEqualTo(KvCommandsMarkdown.render());
    }

    @Test
    void shouldListEverySupportedNameOnceWithItsSummary() {
        String doc = KvCommandsMarkdown.render();

        assertThat(KvCommandsMarkdown.names()).hasSameSizeAs(CommandTable.SUPPORTED).doesNotHaveDuplicates()
                .contains("GET", "CONFIG GET", "BLPOP", "ZRANGESTORE");
        assertThat(doc).contains("| `GET` | string | 1 | yes | Get the value of a key |")
                .contains("| `SET` | string | ≥ 2 | no |")
                .contains("| `CONFIG GET` | server | ≥ 2 | yes |");
    }
}
