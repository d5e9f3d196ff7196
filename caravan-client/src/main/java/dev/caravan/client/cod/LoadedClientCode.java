package dev.caravan.client.cod;

/**
 * Client code fetched from a service, verified and instantiated.
 *
 * @param process    the process that published it
 * @param hash       SHA-256 of its bundle, verified against the bytes that were loaded
 * @param entryClass the class instantiated
 * @param fromCache  whether the bytes came from the client's cache (the service confirmed the hash) rather than the wire
 * @param code       the instance, in a class loader of its own
 */
public record LoadedClientCode(String process, String hash, String entryClass, boolean fromCache, ClientCode code) {
}
