/**
 * {@code caravan lab code}: remote evaluation against client-server over the same data — the
 * function that counts matching values, the data set, and the report (table, JSON, plot).
 * The driver that starts the cluster and moves the bytes is in the CLI.
 */
package dev.caravan.lab.code;
