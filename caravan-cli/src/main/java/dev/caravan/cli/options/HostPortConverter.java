package dev.caravan.cli.options;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.net.HostPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code HOST:PORT} option, checked while the command line is parsed (port 0..65535) and kept
 * as the text the user gave. Use {@code @Option(converter = HostPortConverter.class)} on a String.
 */
public final class HostPortConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            HostPort.parse(value);
            return value;
        } catch (CaravanException e) {
            throw new TypeConversionException(e.getMessage() + " (give HOST:PORT with a port 0..65535)");
        }
    }
}
