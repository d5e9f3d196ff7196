/** The synchronization experiments of {@code caravan lab sync}: one class per classical problem. */
package dev.caravan.lab.sync.problems;
