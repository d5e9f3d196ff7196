package dev.caravan.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration option in whole milliseconds: a bare number of milliseconds ({@code 50}), or a number
 * with a unit, {@code ms}, {@code s} or {@code m} ({@code 50ms}, {@code 2s}, {@code 0.5s}, {@code 2m});
 * from 0 to one day. The CLI's one duration converter: every command option taking a duration uses it
 * (the node's own {@code --drain-grace} takes the same units).
 * Refused while the command line is parsed, in one line. Use
 * {@code @Option(converter = MillisConverter.class)} on a {@code long} field holding milliseconds.
 */
public final class MillisConverter implements ITypeConverter<Long> {
    /** The longest duration accepted: one day, far above any downtime budget or timeout we take. */
    static final long MAX_MS = 86_400_000L;
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,12}(?:\\.[0-9]{1,3})?)\\s*(ms|s|m)?");

    @Override
    public Long convert(String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw refused(value);
        }
        BigDecimal ms = new BigDecimal(m.group(1));
        if ("s".equals(m.group(2))) {
            ms = ms.movePointRight(3);
        } else if ("m".equals(m.group(2))) {
            ms = ms.multiply(BigDecimal.valueOf(60_000));
        }
        if (ms.stripTrailingZeros().scale() > 0) {
            throw new TypeConversionException("'" + value + "' is not a whole number of milliseconds; give e.g. 50, 50ms or 0.5s");
        }
        if (ms.compareTo(BigDecimal.valueOf(MAX_MS)) > 0) {
            throw new TypeConversionException("'" + value + "' is over one day; give at most 86400s");
        }
        return ms.longValueExact();
    }

    private static TypeConversionException refused(String value) {
        return new TypeConversionException("'" + value + "' is not a duration; give milliseconds (50), or a number with ms, s or m "
                + "(50ms, 0.5s, 2m)");
    }
}
