package dev.caravan.wire.node;

/**
 * How a process moves between nodes. The source drives; the destination answers on its control
 * port. Page bodies carry whole pages.
 *
 * <pre>
 * source S                                           destination D
 *   MIG_BEGIN  spec, id, epoch+1, front,       ───▶  allocate the chunks the source holds, runner (not
 *              sourceNode, fault, chunk bits    ◀───  started), endpoint, page stream; i32 dataPort,
 *                                                     i32 streamPort, i64 nonce
 *   page stream (raw TCP, see the node's PageStreamReceiver): i64 nonce, then per round batches of
 *              i32 n, n × i64 page, n × page bytes, and i32 -1 ─▶ one ack byte: pages go from the
 *              source's off-heap memory to the destination's without a heap copy
 *      … rounds while S keeps serving; then S suspends the process at a request boundary …
 *   page stream: the last dirty pages (not for post-copy)
 *   MIG_RESOURCES name, i32 n, n × transfer  ───▶  install moved/copied files, rebind, keep references
 *                                            ◀───  i32 n, n × (string name, string uri)
 *   MIG_COMMIT name, i32 stateVersion, bytes state, ─▶ register process/NAME with epoch+1 (the commit
 *              i32 words, words × i64 missing,          point: naming refuses S from now on), start
 *              string sourceControl host:port     ◀───  (empty) once D takes commands
 *   S hands its queued commands to D and answers later ones with MOVED
 *   post-copy:  D ─ MIG_FETCH name, i64 page ─▶ S ─▶ bytes page   (a fault waits for that page alone)
 *               S ─ MIG_PAGES name, i32 n, n × (i64 page, bytes) ─▶ D (background push, near recent
 *               faults first; installed only where still missing), then MIG_PUSH_DONE name
 *   restore:    a client plays S and sends the checkpoint's pages with MIG_PAGES
 *   MIG_ABORT  name                             ───▶  discard (only before commit)
 * </pre>
 *
 * If anything fails before D has registered, S stays the owner and resumes; D discards what it
 * has. After D has registered, D owns the process and S never answers for it again.
 */
public final class MigrationProtocol {
    /** Pages per MIG_PAGES frame (~1 MiB). */
    public static final int PAGES_PER_FRAME = 256;

    private MigrationProtocol() {
    }
}
