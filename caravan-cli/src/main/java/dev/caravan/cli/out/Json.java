package dev.caravan.cli.out;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way a command prints {@code --json}: one indented JSON document on stdout, enums as
 * their {@code toString()}, field names lowerCamel (the same names as the table's columns, see
 * {@link Table}). Nothing else may go to stdout in JSON mode; hints and progress go to stderr.
 *
 * <p>Threading: stateless; the mapper is thread-safe once configured.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);

    private Json() {
    }

    /** Prints {@code value} (a map, list or record) as one JSON document on {@code out}. */
    public static void print(PrintStream out, Object value) {
        out.println(write(value));
    }

    /** Prints {@code value} on {@code System.out}. */
    public static void print(Object value) {
        print(System.out, value);
    }

    /** {@code value} as indented JSON text. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record's (or bean's) fields as an ordered map, to add or rename fields before printing. */
    public static Map<String, Object> fields(Object value) {
        return MAPPER.convertValue(value, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
