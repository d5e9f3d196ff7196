/**
 * The dispatcher of a front end's route: {@link dev.caravan.switching.pool.BackendPool} keeps a
 * backend set as naming shows it (with weights, admin states, health, load and slow start),
 * picks with a {@link dev.caravan.switching.policy.Policy}, queues when every backend is at its
 * connection limit, and checks health passively (ticket outcomes, latency outliers) and actively
 * ({@link dev.caravan.switching.pool.HealthProber}: TCP connect, HTTP {@code GET /}, RESP
 * {@code PING}) on a thread of its own.
 */
package dev.caravan.switching.pool;
