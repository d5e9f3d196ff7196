package dev.caravan.switching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The remembered ports of the automatic front ends: the file format, its upgrade from version 1, and what is ignored. */
class ProcessPortStoreTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(ProcessPortStore.FILE_NAME);
    }

    @Test
    void shouldRememberProcessAndServicePortsAcrossOpens() throws Exception {
        ProcessPortStore store = ProcessPortStore.open(dir);
        store.put("kv1", 40123);
        store.putService("web", 40200);
        store.put("gone", 40999);
        store.put("gone", 0);

        JsonNode root = new ObjectMapper().readTree(file().toFile());
        assertThat(root.get("version").asInt()).isEqualTo(2);
        assertThat(root.get("processes").properties()).hasSize(1);
        assertThat(root.get("services").get("web").asInt()).isEqualTo(40200);

        ProcessPortStore again = ProcessPortStore.open(dir);
        assertThat(again.port("kv1")).isEqualTo(40123);
        assertThat(again.servicePort("web")).isEqualTo(40200);
        assertThat(again.port("web")).as("a service's port is not a process's").isZero();
        assertThat(again.port("gone")).isZero();
    }

    @Test
    void shouldReadAVersion1FileAndRewriteItAsVersion2() throws Exception {
        Files.writeString(file(), "{\"version\": 1, \"ports\": {\"kv1\": 40123, \"bad\": 70000}}");
        ProcessPortStore store = ProcessPortStore.open(dir);
        assertThat(store.all()).isEqualTo(Map.of("kv1", 40123));
        assertThat(store.services()).isEmpty();

        store.putService("web", 40200);
        JsonNode root = new ObjectMapper().readTree(file().toFile());
        assertThat(root.get("version").asInt()).isEqualTo(2);
        assertThat(root.get("processes").get("kv1").asInt()).as("the version 1 ports are kept").isEqualTo(40123);
        assertThat(root.has("ports")).isFalse();
    }

    @Test
    void shouldIgnoreAFileOfAnUnknownVersionOrShape() throws Exception {
        Files.writeString(file(), "{\"version\": 3, \"processes\": {\"kv1\": 40123}, \"services\": {}}");
        assertThat(ProcessPortStore.open(dir).all()).isEmpty();
        Files.writeString(file(), "{\"version\": 2, \"processes\": {\"kv1\": 40123}}");
        assertThat(ProcessPortStore.open(dir).all()).as("version 2 without services").isEmpty();
        Files.writeString(file(), "not json");
        ProcessPortStore store = ProcessPortStore.open(dir);
        assertThat(store.all()).isEmpty();
        store.put("kv1", 40123);
        assertThat(ProcessPortStore.open(dir).port("kv1")).as("a broken file is replaced on the next change").isEqualTo(40123);
    }
}
