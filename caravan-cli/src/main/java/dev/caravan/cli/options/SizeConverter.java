package dev.caravan.cli.options;

import dev.caravan.launch.Sizes;
import dev.caravan.wire.CaravanException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A size option in bytes, as {@link Sizes#parse} reads it ({@code 512k}, {@code 64m}, {@code 1g});
 * refused while the command line is parsed, in one line (exit 2). Use
 * {@code @Option(converter = SizeConverter.class)} on a {@code long} field holding bytes; the range a
 * command accepts is its own check.
 */
public final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Sizes.parse(value);
        } catch (CaravanException | IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a size; give bytes or a number with k, m or g (512k, 64m, 1g)");
        }
    }
}
