package dev.caravan.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan new process}: what it writes and prints, and its one-line refusals. No cluster. */
class NewProcessCliTest {
    @TempDir
    Path tmp;

    @Test
    void shouldCreateTheProjectAndPrintTheCommandsToBuildAndDeployIt() {
        Path dir = tmp.resolve("board");

        Console.Result r = Console.run("new", "process", "hit-board", "--package", "org.acme.board", "--dir", dir.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(dir.resolve("src/main/java/org/acme/board/HitBoardProcess.java")).exists();
        assertThat(dir.resolve("src/test/java/org/acme/board/HitBoardProcessTest.java")).exists();
        assertThat(r.out()).contains("created hit-board in " + dir)
                .contains("./mvnw -q -f " + dir.resolve("pom.xml") + " package")
                .contains("./caravan deploy " + dir.resolve("target/hit-board.jar") + " --name hit-board"
                        + " --class org.acme.board.HitBoardProcess");
    }

    @Test
    void shouldRefuseAnInvalidNameWithOneLineAndExit2() {
        Console.Result r = Console.run("new", "process", "Hit_Board", "--dir", tmp.resolve("x").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("caravan: invalid process name 'Hit_Board': use lower-case letters");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void shouldRefuseANonEmptyDirectoryWithOneLineAndLeaveIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(dir.resolve("pom.xml"), "mine");

        Console.Result r = Console.run("new", "process", "board", "--dir", dir.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).contains(dir + " exists and is not empty");
        assertThat(Files.readString(dir.resolve("pom.xml"))).isEqualTo("mine");
    }

    @Test
    void shouldAskWhatToCreateWhenNoKindIsGiven() {
        Console.Result r = Console.run("new");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).contains("caravan new process NAME");
    }
}
