package dev.caravan.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * An option naming a bundle: its hash (64 lowercase hex digits, SHA-256) or a jar file that exists
 * here. Anything else is refused while the command line is parsed, in one line (exit 2); the value is
 * returned as given.
 */
public final class BundleRefConverter implements ITypeConverter<String> {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    @Override
    public String convert(String value) {
        if (HASH.matcher(value).matches()) {
            return value;
        }
        try {
            if (Files.isRegularFile(Path.of(value))) {
                return value;
            }
        } catch (InvalidPathException e) {
            // Not a path either: refused below.
        }
        throw new TypeConversionException("'" + value + "' is neither a bundle hash (64 hex digits) nor a jar file here");
    }
}
