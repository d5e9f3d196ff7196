package dev.caravan.cli.options;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.net.HostPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code HOST:PORT} option, checked while the command line is parsed (port 0..65535; 0 is
 * accepted for an address to listen on, where it means any free port) and kept as the text the
 * user gave. Use {@code @Option(converter = HostPortConverter.class)} on a String.
 */
public final class HostPortConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        int colon = value.lastIndexOf(':');
        String checked = colon > 0 && value.substring(colon + 1).equals("0") ? value.substring(0, colon) + ":1" : value;
        try {
            HostPort.parse(checked);
            return value;
        } catch (CaravanException e) {
            throw new TypeConversionException(e.getMessage() + " (give HOST:PORT with a port 0..65535)");
        }
    }
}
