package dev.caravan.cli.options;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.MigrationMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A migration mode option ({@link MigrationMode#parse}); an unknown mode is refused while parsing, in one line (exit 2). */
public final class MigrationModeConverter implements ITypeConverter<MigrationMode> {
    @Override
    public MigrationMode convert(String value) {
        try {
            return MigrationMode.parse(value);
        } catch (CaravanException e) {
            throw new TypeConversionException("'" + value + "' is not a mode; give stop-and-copy, pre-copy, post-copy or hybrid");
        }
    }
}
