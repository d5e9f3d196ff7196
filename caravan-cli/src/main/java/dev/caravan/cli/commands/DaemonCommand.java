package dev.caravan.cli.commands;

import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A command that runs a daemon's entry point with its arguments as given: the daemon declares
 * and parses its own options (see {@code dev.caravan.launch.DaemonOptions}), in the one place the
 * cluster launcher's child JVMs use too.
 */
abstract class DaemonCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    /** Runs the daemon until it stops; returns the exit code. */
    abstract int run(List<String> args) throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run(args);
    }
}
