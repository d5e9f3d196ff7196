package dev.caravan.servers.endpoint;

import dev.caravan.wire.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A well-known port table in {@code /etc/services} style, the chapter's "endpoints fixed by
 * convention" (port 80 for HTTP):
 *
 * <pre>
 * # comment
 * name   port/proto   [alias ...]      # trailing comment
 * </pre>
 *
 * <p>Blank lines and comments are skipped; anything else that is not of that form is
 * {@link ErrorCode#MALFORMED} with the line number. {@link #defaults()} is Caravan's own table,
 * shipped as the resource {@code dev/caravan/servers/endpoint/caravan-services}.
 *
 * <p>Immutable and thread-safe.
 */
public final class WellKnownPorts {
    private static final String DEFAULT_RESOURCE = "/dev/caravan/servers/endpoint/caravan-services";
    private final List<WellKnownService> services;

    private WellKnownPorts(List<WellKnownService> services) {
        this.services = List.copyOf(services);
    }

    /** Caravan's shipped table. */
    public static WellKnownPorts defaults() {
        try (InputStream in = WellKnownPorts.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw ErrorCode.INTERNAL.exception("resource " + DEFAULT_RESOURCE + " is missing");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a table from text. */
    public static WellKnownPorts parse(String text) {
        return parse(new StringReader(text));
    }

    /**
     * Parses a table.
     *
     * @throws dev.caravan.wire.CaravanException MALFORMED naming the bad line
     */
    public static WellKnownPorts parse(Reader reader) {
        List<WellKnownService> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(reader)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                int hash = line.indexOf('#');
                String body = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!body.isEmpty()) {
                    out.add(parseLine(body, number));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new WellKnownPorts(out);
    }

    private static WellKnownService parseLine(String body, int number) {
        String[] f = body.split("\\s+");
        if (f.length < 2) {
            throw bad(number, "expected 'name port/proto [aliases]', got '" + body + "'");
        }
        int slash = f[1].indexOf('/');
        if (slash <= 0 || slash == f[1].length() - 1) {
            throw bad(number, "expected port/proto, got '" + f[1] + "'");
        }
        int port;
        try {
            port = Integer.parseInt(f[1].substring(0, slash));
        } catch (NumberFormatException e) {
            throw bad(number, "port '" + f[1].substring(0, slash) + "' is not a number");
        }
        if (port < 1 || port > 0xFFFF) {
            throw bad(number, "port " + port + " outside 1..65535");
        }
        String proto = f[1].substring(slash + 1).toLowerCase(Locale.ROOT);
        return new WellKnownService(f[0], port, proto, Arrays.asList(f).subList(2, f.length));
    }

    private static RuntimeException bad(int line, String what) {
        return ErrorCode.MALFORMED.exception("services line " + line + ": " + what);
    }

    /** The service called {@code name} (or aliased so) over {@code protocol}. First match wins. */
    public Optional<WellKnownService> lookup(String name, String protocol) {
        return services.stream().filter(s -> s.answersTo(name) && s.protocol().equals(protocol)).findFirst();
    }

    /** {@link #lookup(String, String)} over TCP. */
    public Optional<WellKnownService> lookup(String name) {
        return lookup(name, "tcp");
    }

    /** Every entry, in file order. */
    public List<WellKnownService> services() {
        return services;
    }
}
