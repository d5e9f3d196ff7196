package dev.caravan.servers.bench;

/**
 * One measured cell: one server under one load.
 *
 * @param server        model CLI name or "netty"
 * @param protocol      binary or http
 * @param handler       non-blocking or blocking
 * @param connections   client connections
 * @param throughputRps replies per second (wrk for http, closed-loop Java clients for binary)
 * @param tool          what measured throughput
 * @param ratioToNetty  throughput / Netty's in the same cell
 * @param rateRps       constant request rate of the latency run
 * @param p50Ms         latency percentiles from intended send time, milliseconds
 * @param p99Ms         99th percentile
 * @param p999Ms        99.9th percentile
 * @param incomplete    requests of the latency run still unanswered when it ended
 * @param runsRps       every throughput repetition, in run order ({@code throughputRps} is their median)
 */
public record CellResult(String server, String protocol, String handler, int connections, double throughputRps, String tool,
                         double ratioToNetty, double rateRps, double p50Ms, double p99Ms, double p999Ms, long incomplete, java.util.List<Double> runsRps) {
}
