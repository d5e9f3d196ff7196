package dev.caravan.servers.bench;

import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.ErrorCode;

import java.util.List;

/**
 * What one {@code caravan bench servers} run measures.
 *
 * @param models           toolkit models (Netty always runs as the reference)
 * @param protocols        "binary" and/or "http"
 * @param connections      connection counts
 * @param blocking         whether to run the blocking-handler variant too
 * @param delayMinMicros   shortest simulated blocking call
 * @param delayMaxMicros   longest simulated blocking call
 * @param warmupMs         closed-loop warm-up before each throughput window
 * @param throughputMs     throughput window (wrk needs whole seconds; rounded)
 * @param latencyMs        constant-rate latency window
 * @param latencyFraction  constant rate as a fraction of Netty's throughput in the same cell
 * @param repetitions      throughput runs per server and cell (the median is reported); each
 *                         repetition visits the servers in a rotated order
 */
public record BenchPlan(List<ServerModel> models, List<String> protocols, List<Integer> connections, boolean blocking,
                        long delayMinMicros, long delayMaxMicros, long warmupMs, long throughputMs, long latencyMs,
                        double latencyFraction, int repetitions) {
    public BenchPlan {
        if (models.isEmpty() || protocols.isEmpty() || connections.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a plan needs models, protocols and connection counts");
        }
        for (String p : protocols) {
            if (!p.equals("binary") && !p.equals("http")) {
                throw ErrorCode.INVALID_ARGUMENT.exception("unknown protocol '" + p + "'; binary or http");
            }
        }
        for (int c : connections) {
            if (c < 1 || c > 10_000) {
                throw ErrorCode.INVALID_ARGUMENT.exception("connections must lie in 1..10000, got " + c);
            }
        }
        if (repetitions < 1 || repetitions > 9) {
            throw ErrorCode.INVALID_ARGUMENT.exception("repetitions must lie in 1..9, got " + repetitions);
        }
        if (throughputMs < 1000 || latencyMs < 200 || latencyFraction <= 0 || latencyFraction > 2) {
            throw ErrorCode.INVALID_ARGUMENT.exception("windows: throughput ≥ 1000 ms, latency ≥ 200 ms, fraction in (0, 2]");
        }
    }

    /**
     * About 14 minutes on 2 cores: every model, both protocols, 1/16/256/1024 connections, both
     * handlers; 3 throughput runs of 1 s per server and cell (3 s measured), median reported.
     */
    public static BenchPlan full() {
        return new BenchPlan(List.of(ServerModel.values()), List.of("binary", "http"), List.of(1, 16, 256, 1024), true,
                1000, 5000, 500, 1000, 1200, 0.5, 3);
    }

    /** About 3 minutes: 16 and 1024 connections only, one throughput run per cell. */
    public static BenchPlan quick() {
        return new BenchPlan(List.of(ServerModel.values()), List.of("binary", "http"), List.of(16, 1024), true,
                1000, 5000, 300, 1000, 600, 0.5, 1);
    }

    /** This plan restricted to other models, protocols, connection counts, handlers or repetitions. */
    public BenchPlan with(List<ServerModel> m, List<String> p, List<Integer> c, boolean b, int reps) {
        return new BenchPlan(m, p, c, b, delayMinMicros, delayMaxMicros, warmupMs, throughputMs, latencyMs, latencyFraction, reps);
    }
}
