package dev.caravan.wire.node;

/**
 * How a process moves between nodes. The source drives; the destination answers on its control
 * port. Page bodies carry whole pages.
 *
 * <pre>
 * source S                                           destination D
 *   MIG_BEGIN  spec, id, epoch+1, front,       ───▶  admit: memory (allocated per the allocation policy), runner (not
 *              sourceNode, fault, allocation,   ◀───  started), endpoint, page stream; i32 dataPort,
 *              chunk bits
 *                                                     i32 streamPort, i64 nonce, i32 tlsPort (the endpoint's
 *                                                     RESP-over-TLS port, 0 none; absent from older nodes)
 *   page stream (raw TCP, see caravan-migration's PageStreamReceiver): i64 nonce, then per round batches of
 *              i32 n, n × i64 page, n × page bytes, and i32 -1 ─▶ one ack byte: pages go from the
 *              source's off-heap memory to the destination's without a heap copy
 *      … rounds while S keeps serving; then S suspends the process at a request boundary …
 *   page stream: the last dirty pages (not for post-copy)
 *   MIG_RESOURCES name, i32 n, n × transfer  ───▶  install moved/copied files, rebind, keep references
 *                                            ◀───  i32 n, n × (string name, string uri)
 *   MIG_COMMIT name, i32 stateVersion, bytes state, ─▶ register process/NAME with epoch+1 (the commit
 *              i32 words, words × i64 missing,          point: naming refuses S from now on), start
 *              string sourceControl host:port,    ◀───  destination costs (allocation ms, fresh bytes,
 *              recent replies                           hook µs) once D takes commands
 *   S hands its queued commands to D and answers later ones with MOVED (session links to D's dataPort, or
 *              over TLS to its tlsPort when S runs TLS, never plaintext then)
 *   post-copy:  D ─ MIG_FETCH name, i64 page, i32 around ─▶ S ─▶ i32 n, n × (i64 page, bytes): the page and up
 *               to {@code around} following missing pages (a fault waits for that one reply)
 *               S ─ MIG_PAGES name, i32 n, n × (i64 page, bytes) ─▶ D (background push, near recent
 *               faults first; installed only where still missing), then MIG_PUSH_DONE name ◀─ fault statistics
 *   restore:    a client plays S and sends the checkpoint's pages with MIG_PAGES
 *   MIG_ABORT  name                             ───▶  discard (only before commit)
 *   every body is encoded and decoded by {@link MigrationMessages}
 * </pre>
 *
 * If anything fails before D has registered, S stays the owner and resumes; D discards what it
 * has. After D has registered, D owns the process and S never answers for it again.
 *
 * <h2>Each mode, in time order</h2>
 * The source's phases ({@link MigrationPhase}) are in brackets; ▮ marks the downtime.
 * <pre>
 * stop-and-copy:  [BEGIN] MIG_BEGIN (D allocates all chunks first) ─ [FREEZE] ▮ ─ [LAST_PAGES] ▮ every page on the
 *                 page stream ▮ ─ [SWITCH_OVER] ▮ MIG_RESOURCES, MIG_COMMIT ▮ ─ [COMMITTED] hand-off ─ [DONE]
 *
 * pre-copy:       [BEGIN] MIG_BEGIN (D allocates alongside) ─ [ROUNDS] round 1: every page; round k: pages dirtied
 *                 in round k-1 … until what is left fits the budget ─ [FREEZE] ▮ ─ [LAST_PAGES] ▮ the last dirty
 *                 pages ▮ ─ [SWITCH_OVER] ▮ MIG_RESOURCES, MIG_COMMIT ▮ ─ [COMMITTED] hand-off ─ [DONE]
 *
 * post-copy:      [BEGIN] MIG_BEGIN (D allocates nothing yet) ─ [FREEZE] ▮ ─ [SWITCH_OVER] ▮ MIG_RESOURCES,
 *                 MIG_COMMIT with every page as missing ▮ ─ [COMMITTED] hand-off ─ [PUSHING] D faults:
 *                 MIG_FETCH page+neighbours on its own connection ◀─▶ S; S pushes MIG_PAGES after the latest
 *                 fault ─▶ D; MIG_PUSH_DONE ◀─ fault statistics ─ [DONE]
 *
 * hybrid:         as pre-copy for {@code hybridRounds} rounds, then as post-copy from [FREEZE] with the pages
 *                 still dirty as missing
 *
 * clone:          as stop-and-copy or pre-copy under a new name at epoch 1; S resumes at [COMMITTED]
 * checkpoint:     rounds into a file, a short freeze for the last pages and the state (no destination)
 * </pre>
 */
public final class MigrationProtocol {
    /** Pages per MIG_PAGES frame (~1 MiB). */
    public static final int PAGES_PER_FRAME = 256;

    private MigrationProtocol() {
    }
}
