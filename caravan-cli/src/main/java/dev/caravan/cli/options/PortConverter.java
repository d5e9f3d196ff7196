package dev.caravan.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A TCP or UDP port option: a whole number 0..65535 (0: any free port), refused while the
 * command line is parsed, before anything starts. Use {@code @Option(converter = PortConverter.class)}.
 */
public final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a port; give a number 0..65535");
        }
        if (port < 0 || port > 65535) {
            throw new TypeConversionException(port + " is not a port; give a number 0..65535");
        }
        return port;
    }
}
