package dev.caravan.lab.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * A one-CPU, strictly preemptive priority scheduler simulated tick by tick, with one mutex. Real
 * Java priorities are only hints (on Linux HotSpot ignores them by default and the kernel's fair
 * scheduler would not run threads strictly by priority anyway), so priority inversion is shown on
 * this explicit scheduler, where every rule is visible. Deterministic; not thread-safe.
 *
 * <p>Each task is a script of steps: compute for k ticks, lock, unlock. Each tick the ready task
 * with the highest effective priority runs (ties: earliest arrival). With
 * {@link Protocol#INHERITANCE} the mutex holder runs at the highest priority of its waiters.
 */
public final class PrioritySimulator {
    /** How the mutex treats its holder's priority. */
    public enum Protocol { NONE, INHERITANCE }

    /**
     * A task.
     *
     * @param name     label
     * @param priority higher runs first
     * @param arrival  tick at which it becomes ready
     * @param script   steps: a positive number is that many ticks of work, {@link #LOCK} and {@link #UNLOCK}
     */
    public record Task(String name, int priority, int arrival, int[] script) {
    }

    public static final int LOCK = -1;
    public static final int UNLOCK = -2;

    /** Runs the tasks to completion and returns each task's finishing tick, in task order. */
    public static int[] run(List<Task> tasks, Protocol protocol) {
        int n = tasks.size();
        int[] pc = new int[n];
        int[] left = new int[n];
        int[] finish = new int[n];
        boolean[] waiting = new boolean[n];
        int holder = -1;
        List<Integer> waiters = new ArrayList<>();
        int done = 0;
        for (int i = 0; i < n; i++) {
            left[i] = tasks.get(i).script()[0] > 0 ? tasks.get(i).script()[0] : 0;
            finish[i] = -1;
        }
        for (int tick = 0; done < n; tick++) {
            if (tick > 1_000_000) {
                throw new IllegalStateException("simulation does not terminate");
            }
            int best = -1;
            int bestPrio = Integer.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                if (finish[i] >= 0 || waiting[i] || tasks.get(i).arrival() > tick) {
                    continue;
                }
                int prio = tasks.get(i).priority();
                if (protocol == Protocol.INHERITANCE && i == holder) {
                    for (int w : waiters) {
                        prio = Math.max(prio, tasks.get(w).priority());
                    }
                }
                if (prio > bestPrio) {
                    best = i;
                    bestPrio = prio;
                }
            }
            if (best < 0) {
                continue;
            }
            // Lock and unlock steps take no time; then one tick of work.
            int[] s = tasks.get(best).script();
            while (pc[best] < s.length && s[pc[best]] < 0) {
                if (s[pc[best]] == LOCK) {
                    if (holder >= 0 && holder != best) {
                        waiting[best] = true;
                        waiters.add(best);
                        break;
                    }
                    holder = best;
                } else {
                    holder = -1;
                    if (!waiters.isEmpty()) {
                        int next = waiters.getFirst();
                        for (int w : waiters) {
                            if (tasks.get(w).priority() > tasks.get(next).priority()) {
                                next = w;
                            }
                        }
                        waiters.remove(Integer.valueOf(next));
                        waiting[next] = false;
                        holder = next;
                        pc[next]++;
                        left[next] = pc[next] < tasks.get(next).script().length ? Math.max(0, tasks.get(next).script()[pc[next]]) : 0;
                    }
                }
                pc[best]++;
                left[best] = pc[best] < s.length ? Math.max(0, s[pc[best]]) : 0;
            }
            if (waiting[best]) {
                tick--;
                continue;
            }
            if (pc[best] >= s.length) {
                finish[best] = tick;
                done++;
                tick--;
                continue;
            }
            left[best]--;
            if (left[best] == 0) {
                pc[best]++;
                left[best] = pc[best] < s.length ? Math.max(0, s[pc[best]]) : 0;
                if (pc[best] >= s.length) {
                    finish[best] = tick + 1;
                    done++;
                }
            }
        }
        return finish;
    }
}
