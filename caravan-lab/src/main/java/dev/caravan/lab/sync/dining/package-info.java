/** Dining philosophers: the naive table that deadlocks, the three remedies, and deadlock detection. */
package dev.caravan.lab.sync.dining;
