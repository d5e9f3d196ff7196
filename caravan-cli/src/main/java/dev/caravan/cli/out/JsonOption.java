package dev.caravan.cli.out;

import picocli.CommandLine.Option;

/** The {@code --json} flag, as a mixin so that every command spells and describes it the same way. */
public final class JsonOption {
    @Option(names = "--json", description = "print JSON (the table's columns as lowerCamel fields) instead of text")
    public boolean json;
}
