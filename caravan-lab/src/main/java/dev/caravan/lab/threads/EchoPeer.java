package dev.caravan.lab.threads;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * The other process of the process ping-pong: reads one byte from stdin, touches its working set,
 * writes the byte back to stdout; exits at end of input. Usage: {@code EchoPeer <wsBytes>}.
 */
public final class EchoPeer {
    private EchoPeer() {
    }

    public static void main(String[] args) throws IOException {
        WorkingSet ws = new WorkingSet(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        // Unbuffered streams on the raw descriptors: one read(2) and one write(2) per hop.
        try (FileInputStream in = new FileInputStream(FileDescriptor.in);
             FileOutputStream out = new FileOutputStream(FileDescriptor.out)) {
            int b;
            while ((b = in.read()) >= 0) {
                ws.touch();
                out.write(b);
            }
        }
    }
}
