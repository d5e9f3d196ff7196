package dev.caravan.lab.threads;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The chapter's Python example, in Java: one process with a "global" {@code sharedX} set at
 * random, and three threads that each sleep a random while, then increment it and print what
 * they see. Usage: {@code SharedVariableChild <name> <maxSleepMs>}. Besides the human lines it
 * prints {@code INIT <name> <x>}, {@code SEEN <name> <x>} and {@code FINAL <name> <x>} for the lab.
 */
public final class SharedVariableChild {
    private static final DateTimeFormatter MIN_SEC = DateTimeFormatter.ofPattern("mm:ss.SSS");
    private static int sharedX = ThreadLocalRandom.current().nextInt(10, 100);

    private SharedVariableChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        String name = args[0];
        int maxSleepMs = Integer.parseInt(args[1]);
        System.out.println(name + " sees shared x being " + read());
        System.out.println("INIT " + name + " " + read());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String sub = name + " " + i;
            threads.add(Thread.ofPlatform().name(sub).start(() -> sleeping(sub, maxSleepMs)));
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println(name + " sees shared x being " + read());
        System.out.println("FINAL " + name + " " + read());
    }

    private static void sleeping(String name, int maxSleepMs) {
        int s = ThreadLocalRandom.current().nextInt(1, maxSleepMs + 1);
        System.out.println(now() + " " + name + " is going to sleep for " + s + " ms");
        try {
            // Sleeping here is the example's point (threads finish in random order), not a synchronization.
            Thread.sleep(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int seen;
        synchronized (SharedVariableChild.class) {
            seen = ++sharedX;
        }
        System.out.println(now() + " " + name + " has woken up, seeing shared x being " + seen);
        System.out.println("SEEN " + name.split(" ")[0] + " " + seen);
    }

    private static synchronized int read() {
        return sharedX;
    }

    private static String now() {
        return LocalTime.now().format(MIN_SEC);
    }
}
