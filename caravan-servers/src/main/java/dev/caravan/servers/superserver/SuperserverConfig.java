package dev.caravan.servers.superserver;

import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The superserver's config, one service per line in the spirit of {@code inetd.conf}:
 *
 * <pre>
 * # name     port  model            protocol   where        idle-ms
 * echo       7001  virtual-threads  resp-echo  in-process   30000
 * crc        7002  event-loop       binary     jvm          60000
 * </pre>
 *
 * {@code where} is {@code in-process} or {@code jvm} (a child JVM that receives each
 * connection's descriptor). Errors name the line.
 */
public final class SuperserverConfig {
    private SuperserverConfig() {
    }

    public static List<ServiceSpec> read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    public static List<ServiceSpec> parse(List<String> lines) {
        List<ServiceSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                if (f.length != 6) {
                    throw ErrorCode.MALFORMED.exception("expected 6 fields (name port model protocol where idle-ms), got " + f.length);
                }
                if (!f[4].equals("in-process") && !f[4].equals("jvm")) {
                    throw ErrorCode.MALFORMED.exception("where must be in-process or jvm, got '" + f[4] + "'");
                }
                ServiceSpec s = new ServiceSpec(f[0], Integer.parseInt(f[1]), ServerModel.parse(f[2]), f[3], f[4].equals("jvm"), Long.parseLong(f[5]));
                if (!names.add(s.name())) {
                    throw ErrorCode.ALREADY_EXISTS.exception("service " + s.name() + " is defined twice");
                }
                out.add(s);
            } catch (NumberFormatException e) {
                throw ErrorCode.MALFORMED.exception("line " + (i + 1) + ": bad number: " + e.getMessage());
            } catch (CaravanException e) {
                throw e.code().exception("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("the config defines no service");
        }
        return out;
    }
}
