package dev.caravan.cli.commands;

import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code caravan test}: the whole test suite. The {@code ./caravan} launcher runs it directly
 * (installing test packages first); from a JVM this command does the same through the wrapper.
 */
@Command(name = "test", mixinStandardHelpOptions = true, description = "Run the whole test suite (./mvnw install: every module is installed in ~/.m2 before the system tests build a generated process project against it).")
public final class TestCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("caravan.home", "."));
        Path launcher = home.resolve("caravan");
        if (!Files.isExecutable(launcher)) {
            throw ErrorCode.NOT_FOUND.exception("cannot find the ./caravan launcher in " + home.toAbsolutePath()
                    + "; run './caravan test' from the repository root");
        }
        return new ProcessBuilder(launcher.toString(), "test").inheritIO().start().waitFor();
    }
}
