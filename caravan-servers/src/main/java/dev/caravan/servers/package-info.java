/**
 * Server toolkit: the chapter's server architectures behind one interface ({@code .model}), the
 * superserver, endpoints ({@code .endpoint}), out-of-band control ({@code .oob}), server state
 * kinds ({@code .state}), the object adapter ({@code .objects}) and module hooks ({@code .hooks}).
 * See docs/servers.md.
 */
package dev.caravan.servers;
