package dev.caravan.cli.commands;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What {@code caravan deploy --client-bundle} accepts as a client bundle, and where it finds its entry class. */
class ClientBundleJarTest {
    @TempDir
    Path dir;

    private Path jar(String clientClass) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (clientClass != null) {
            m.getMainAttributes().putValue(ClientBundleJar.MANIFEST_ATTRIBUTE, clientClass);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(bytes, m)) {
            j.putNextEntry(new ZipEntry("stub/Stub.class"));
            j.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            j.closeEntry();
        }
        return Files.write(dir.resolve("stub-" + (clientClass == null ? "plain" : clientClass) + ".jar"), bytes.toByteArray());
    }

    @Test
    void shouldTakeTheEntryClassFromTheManifestUnlessGiven() throws Exception {
        Path declared = jar("stub.Stub");

        assertThat(ClientBundleJar.read(declared, null).entryClass()).isEqualTo("stub.Stub");
        assertThat(ClientBundleJar.read(declared, "stub.Stub").entryClass()).isEqualTo("stub.Stub");
        // A class the jar does not hold is refused at deploy, before anything is pushed.
        CaravanException absent = catchThrowableOfType(CaravanException.class, () -> ClientBundleJar.read(declared, "other.Entry"));
        assertThat(absent.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(absent.getMessage()).startsWith("no class other.Entry (--client-class) in ");
        assertThat(ClientBundleJar.read(declared, null).bytes()).isEqualTo(Files.readAllBytes(declared));
    }

    @Test
    void shouldAskForTheClassWhenTheManifestNamesNone() throws Exception {
        Path plain = jar(null);

        CaravanException e = catchThrowableOfType(CaravanException.class, () -> ClientBundleJar.read(plain, null));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).startsWith("give --client-class CLASS: ").endsWith("declares no Caravan-Client-Class in its manifest");
    }

    @Test
    void shouldRefuseAFileThatIsNotAJarOrIsMissing() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a jar");

        assertThat(catchThrowableOfType(CaravanException.class, () -> ClientBundleJar.read(text, "a.B")).code())
                .isEqualTo(ErrorCode.MALFORMED);
        assertThat(catchThrowableOfType(CaravanException.class, () -> ClientBundleJar.read(dir.resolve("nope.jar"), "a.B"))
                .code()).isEqualTo(ErrorCode.NOT_FOUND);
    }
}
