package dev.caravan.node;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BundleStoreTest {
    @TempDir
    Path dir;

    static byte[] jar(String resource, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(bytes)) {
            j.putNextEntry(new ZipEntry(resource));
            j.write(content.getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void shouldStoreByContentHashAndReturnSameBytes() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            byte[] jar = jar("a.txt", "one");
            String hash = store.put(jar, "");
            assertThat(hash).isEqualTo(BundleStore.sha256(jar)).hasSize(64);
            assertThat(store.has(hash)).isTrue();
            assertThat(store.get(hash)).isEqualTo(jar);
            assertThat(store.put(jar, hash)).isEqualTo(hash);
        }
    }

    @Test
    void shouldRefuseBytesThatDoNotMatchTheOfferedHash() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            byte[] jar = jar("a.txt", "one");
            String other = BundleStore.sha256(jar("a.txt", "two"));
            assertThatThrownBy(() -> store.put(jar, other)).isInstanceOf(CaravanException.class)
                    .extracting(e -> ((CaravanException) e).code()).isEqualTo(ErrorCode.BUNDLE_HASH_MISMATCH);
            assertThat(store.has(other)).isFalse();
        }
    }

    @Test
    void shouldRefuseToLoadAStoredBundleWhoseFileNoLongerMatchesItsHash() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            String hash = store.put(jar("a.txt", "one"), "");
            java.nio.file.Files.write(dir.resolve(hash + ".jar"), jar("a.txt", "two"));

            assertThatThrownBy(() -> store.loader(hash)).isInstanceOf(CaravanException.class)
                    .extracting(e -> ((CaravanException) e).code()).isEqualTo(ErrorCode.BUNDLE_HASH_MISMATCH);
        }
    }

    @Test
    void shouldRefuseBytesThatAreNotAJar() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            assertThatThrownBy(() -> store.put("not a jar".getBytes(StandardCharsets.UTF_8), ""))
                    .extracting(e -> ((CaravanException) e).code()).isEqualTo(ErrorCode.MALFORMED);
        }
    }

    @Test
    void shouldGiveEachBundleItsOwnLoader() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            String a = store.put(jar("v.txt", "A"), "");
            String b = store.put(jar("v.txt", "B"), "");
            ClassLoader la = store.loader(a);
            assertThat(store.loader(a)).isSameAs(la);
            assertThat(store.loader(b)).isNotSameAs(la);
            assertThat(new String(la.getResourceAsStream("v.txt").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("A");
            assertThat(new String(store.loader(b).getResourceAsStream("v.txt").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("B");
        }
    }

    @Test
    void shouldReportMissingBundle() throws Exception {
        try (BundleStore store = new BundleStore(dir, getClass().getClassLoader(), CodePolicy.allowUnsigned())) {
            assertThatThrownBy(() -> store.get("0".repeat(64))).extracting(e -> ((CaravanException) e).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
        }
    }
}
