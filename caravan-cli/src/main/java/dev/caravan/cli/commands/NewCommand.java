package dev.caravan.cli.commands;

import dev.caravan.templates.ProcessProject;
import dev.caravan.templates.ProcessProjectWriter;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code caravan new process NAME}: a buildable Maven project with a complete example process and its test, from
 * caravan-templates. Writes files only; needs no cluster.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Create a project to start from.",
                "  caravan new process NAME [--package P] [--dir D]   a Maven project with an example process and its test"},
        subcommands = NewCommand.ProcessProjectCommand.class)
public final class NewCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to create: 'caravan new process NAME'");
    }

    /** {@code caravan new process}. */
    @Command(name = "process", mixinStandardHelpOptions = true,
            description = {"Create a Maven project for a Caravan process: an example that keeps counters in paged memory,"
                    + " an object state with its codec, a resource binding, commands with errors for clients, log() lines,"
                    + " and a JUnit test. Its README.md gives the commands to build, deploy, call, migrate, clone and"
                    + " checkpoint it.",
                    "  caravan new process hit-board   ./hit-board, package com.example.hitboard, class HitBoardProcess"})
    public static final class ProcessProjectCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "process name and Maven artifactId: lower-case letters, digits"
                + " and '-', starting with a letter")
        String name;

        @Option(names = "--package", paramLabel = "P", description = "Java package (default: com.example.NAME without '-')")
        String packageName;

        @Option(names = "--dir", paramLabel = "D", description = "where to write it; must not exist or be empty"
                + " (default: ./NAME)")
        Path dir;

        @Override
        public Integer call() {
            ProcessProject project;
            try {
                project = ProcessProject.of(name, packageName);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Path target = (dir != null ? dir : Path.of(name)).toAbsolutePath().normalize();
            // The launcher passes its checkout; run in-process (tests), the working directory stands for it.
            Path home = Path.of(System.getProperty("caravan.home", ".")).toAbsolutePath().normalize();
            List<Path> files;
            try {
                files = ProcessProjectWriter.write(project, target, home);
            } catch (IllegalArgumentException e) {
                throw ErrorCode.ALREADY_EXISTS.exception(e.getMessage());
            } catch (java.io.UncheckedIOException e) {
                throw ErrorCode.INVALID_ARGUMENT.exception(e.getMessage());
            }
            System.out.println("created " + project.name() + " in " + target + ":");
            files.forEach(f -> System.out.println("  " + f));
            System.out.println("next, in " + home + " (README.md has every command):");
            System.out.println("  ./mvnw -q -f " + target.resolve("pom.xml") + " package");
            System.out.println("  ./caravan deploy " + target.resolve("target").resolve(project.name() + ".jar") + " --name "
                    + project.name() + " --class " + project.processClass());
            System.out.println("  ./caravan call " + project.name() + " HIT 7");
            return 0;
        }
    }
}
