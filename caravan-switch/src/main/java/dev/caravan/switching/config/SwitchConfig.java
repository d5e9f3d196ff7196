package dev.caravan.switching.config;

import dev.caravan.switching.FrontendSpec;
import dev.caravan.wire.ErrorCode;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything a switch daemon starts from; checked entirely on construction.
 *
 * @param id                   the switch's id, unique in the cluster ({@code switch/<id>} in naming)
 * @param bindHost             address of the admin API and of the automatic process front ends
 * @param adminPort            admin API port; 0 picks a free one
 * @param stateDir             where the switch keeps what survives its restart ({@code process-ports.json})
 * @param leaseMs              naming lease; the switch's entries vanish this long after it dies
 * @param processFronts        whether the automatic front ends run: one per RESP process (PROCESS mode), one per HTTP service
 * @param processGraceMs       how long a process (a service) may be absent from naming before its front end closes
 * @param token                the cluster token; when non-empty the admin API requires {@code Authorization: Bearer <token>}
 * @param frontends            the declared front ends (config file)
 */
public record SwitchConfig(String id, String bindHost, int adminPort, Path stateDir, long leaseMs, boolean processFronts,
                           long processGraceMs, String token, List<FrontendSpec> frontends) {
    public static final long DEFAULT_PROCESS_GRACE_MS = 60_000;

    public SwitchConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        token = token == null ? "" : token;
        frontends = List.copyOf(frontends);
        if (id == null || !id.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw ErrorCode.INVALID_ARGUMENT.exception("switch id '" + id + "' must be 1..64 letters, digits, '-', '_' or '.'");
        }
        if (bindHost == null || bindHost.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("switch bind address is empty");
        }
        if (adminPort < 0 || adminPort > 65535) {
            throw ErrorCode.INVALID_ARGUMENT.exception("admin port " + adminPort + " outside 0..65535");
        }
        if (leaseMs < 100 || leaseMs > 3_600_000) {
            throw ErrorCode.INVALID_ARGUMENT.exception("lease " + leaseMs + " ms outside 100..3600000");
        }
        if (processGraceMs < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process grace " + processGraceMs + " ms is negative");
        }
        SwitchConfigFile.checkDistinct(frontends, "config");
        for (FrontendSpec f : frontends) {
            if (isAutomatic(f.name())) {
                throw ErrorCode.INVALID_ARGUMENT.exception("front end " + f.name() + ": " + AUTOMATIC_NAMES);
            }
        }
    }

    /** Name prefix of the automatic process front ends ({@code process-<name>}). */
    public static final String PROCESS_FRONT_PREFIX = "process-";
    /** Name prefix of the automatic service front ends ({@code service-<service>}). */
    public static final String SERVICE_FRONT_PREFIX = "service-";
    /** Why a declared front end may not take an automatic front end's name. */
    public static final String AUTOMATIC_NAMES = "names starting with '" + PROCESS_FRONT_PREFIX + "' or '"
            + SERVICE_FRONT_PREFIX + "' are kept for the automatic front ends";

    /** Whether {@code frontend} is a name the switch keeps for its automatic front ends. */
    public static boolean isAutomatic(String frontend) {
        return frontend.startsWith(PROCESS_FRONT_PREFIX) || frontend.startsWith(SERVICE_FRONT_PREFIX);
    }
}
