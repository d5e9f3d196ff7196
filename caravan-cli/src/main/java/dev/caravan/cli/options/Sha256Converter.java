package dev.caravan.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A SHA-256 option (a bundle hash): 64 hex digits, returned in lowercase as bundle hashes are
 * written; anything else is refused while the command line is parsed, in one line (exit 2).
 */
public final class Sha256Converter implements ITypeConverter<String> {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    @Override
    public String convert(String value) {
        String lower = value.strip().toLowerCase(Locale.ROOT);
        if (!HEX64.matcher(lower).matches()) {
            throw new TypeConversionException("'" + value + "' is not a SHA-256; give the 64 hex digits of the bundle's hash");
        }
        return lower;
    }
}
