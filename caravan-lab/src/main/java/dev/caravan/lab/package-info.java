/** The concurrency lab: experiments on real threads and processes. */
package dev.caravan.lab;
