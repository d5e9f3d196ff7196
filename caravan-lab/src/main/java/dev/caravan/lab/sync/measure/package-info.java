/** The load harness and statistics shared by the synchronization experiments. */
package dev.caravan.lab.sync.measure;
