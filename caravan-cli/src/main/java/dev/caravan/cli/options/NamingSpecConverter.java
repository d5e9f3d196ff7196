package dev.caravan.cli.options;

import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.CaravanException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code --naming} option: {@code HOST:PORT} (Caravan's naming daemon) or
 * {@code zk://HOST:PORT[,HOST:PORT…][/CHROOT]} (ZooKeeper), checked with {@link NamingSpec#parse}
 * while the command line is parsed and kept as the text the user gave. Loads nothing of
 * ZooKeeper: that happens only when a command connects. Use
 * {@code @Option(converter = NamingSpecConverter.class)} on a String.
 */
public final class NamingSpecConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            NamingSpec.parse(value);
            return value;
        } catch (CaravanException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
