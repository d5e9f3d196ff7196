/** Thread-level parallelism: a thread-state sampler and a multithreaded client of slow servers. */
package dev.caravan.lab.tlp;
