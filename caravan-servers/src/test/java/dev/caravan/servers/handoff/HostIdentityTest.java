package dev.caravan.servers.handoff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostIdentityTest {
    @TempDir
    Path dir;

    @Test
    void sameMachineAndNamespaceGiveTheSameIdentity() {
        assertEquals(HostIdentity.of("3d1219c7", "net:[4026531833]"), HostIdentity.of("3d1219c7", "net:[4026531833]"));
        assertTrue(HostIdentity.of("3d1219c7", "net:[4026531833]").matches("[0-9a-f]{16}"));
    }

    @Test
    void anotherNetworkNamespaceOnTheSameMachineIsAnotherHost() {
        assertNotEquals(HostIdentity.of("3d1219c7", "net:[4026531833]"), HostIdentity.of("3d1219c7", "net:[4026532301]"));
    }

    @Test
    void anotherMachineWithTheSameNamespaceInodeIsAnotherHost() {
        assertNotEquals(HostIdentity.of("3d1219c7", "net:[4026531833]"), HostIdentity.of("77aa01ff", "net:[4026531833]"));
    }

    @Test
    void readsTheFirstMachineIdThatExistsAndTheNamespaceLink() throws IOException {
        Path machineId = Files.writeString(dir.resolve("machine-id"), "3d1219c7\n");
        Path ns = Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[4026531833]"));
        assertEquals(HostIdentity.of("3d1219c7", "net:[4026531833]"),
                HostIdentity.read(new Path[]{dir.resolve("missing"), machineId}, ns));
    }

    @Test
    void isUnknownWhenEitherFileIsMissing() throws IOException {
        Path machineId = Files.writeString(dir.resolve("machine-id"), "3d1219c7\n");
        Path ns = Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[4026531833]"));
        assertEquals("", HostIdentity.read(new Path[]{dir.resolve("missing")}, ns));
        assertEquals("", HostIdentity.read(new Path[]{machineId}, dir.resolve("no-such-link")));
    }

    @Test
    void thisJvmHasAnIdentityOnLinux() {
        if (Files.isSymbolicLink(Path.of("/proc/self/ns/net")) && Files.exists(Path.of("/etc/machine-id"))) {
            assertTrue(HostIdentity.local().matches("[0-9a-f]{16}"), HostIdentity.local());
            assertEquals(HostIdentity.local(), HostIdentity.local());
        }
    }
}
