package dev.caravan.lab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.lab.LabSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunInfoTest {
    @TempDir
    Path dir;

    @Test
    void shouldRecordEveryOptionAsACommandLineThatRepeatsTheRun() {
        RunInfo run = RunInfo.of("caravan lab sync dining", new LabSettings(Path.of("out"), 200, 0.1), 0);
        assertThat(run.commandLine()).isEqualTo("caravan lab sync dining --out out --duration 200 --size 0.1");
        assertThat(run.startedAt()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(run.captionLines()).hasSize(2);
        assertThat(run.captionLines().get(1)).startsWith("machine: " + Runtime.getRuntime().availableProcessors() + " cores, ")
                .contains("Java " + Runtime.version()).contains(System.getProperty("os.name"));
    }

    @Test
    void shouldNameTheCpuModelFromProcCpuinfo() {
        assertThat(Machine.cpuModel(List.of("processor\t: 0", "vendor_id\t: GenuineIntel",
                "model name\t: Intel(R) Xeon(R)  Platinum 8375C CPU @ 2.90GHz", "model name\t: other"))).isEqualTo(
                "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz");
        assertThat(Machine.cpuModel(List.of("processor : 0", "Model : Raspberry Pi 4 Model B Rev 1.4"))).isEqualTo(
                "Raspberry Pi 4 Model B Rev 1.4");
        assertThat(Machine.cpuModel(List.of())).isEqualTo("unknown CPU");
    }

    @Test
    void shouldKeepTheRunInTheJsonAndTheHtml() throws Exception {
        RunInfo run = RunInfo.of("caravan lab tlp", new LabSettings(dir, 1000, 1), 1_700_000_000_000L);
        LabResult r = LabResult.of("tlp", "TLP", run, 1_700_000_000_000L, List.of(new Section("s", "text", List.of(),
                List.of(new Figure("a plot", "missing.png", List.of("open circles: below noise"))))));
        ResultStore store = new ResultStore(dir);
        store.write(r);
        var json = new ObjectMapper().readTree(dir.resolve("tlp.json").toFile());
        assertThat(json.at("/run/options/--duration").asText()).isEqualTo("1000");
        assertThat(json.at("/run/options/--size").asText()).isEqualTo("1");
        assertThat(json.at("/run/machine/cpuModel").asText()).isNotBlank();
        assertThat(json.at("/run/machine/cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        LabResult back = store.read("tlp").orElseThrow();
        assertThat(back.run()).isEqualTo(run);
        assertThat(back.sections().get(0).figures().get(0).notes()).containsExactly("open circles: below noise");

        String html = Files.readString(HtmlReport.write(dir, List.of(back)));
        assertThat(html).contains("caravan lab tlp --out " + dir + " --duration 1000 --size 1").contains(run.machine().describe())
                .contains("open circles: below noise");
    }

    @Test
    void shouldReadResultsWrittenBeforeRunsWereRecorded() throws Exception {
        Files.writeString(dir.resolve("sync.json"), """
                {"id":"sync","title":"Synchronization","host":"2 cores","startedMs":0,
                 "sections":[{"title":"t","text":"x","tables":[],"figures":[{"title":"f","file":"f.png"}]}]}""");
        LabResult old = new ResultStore(dir).read("sync").orElseThrow();
        assertThat(old.run()).isNull();
        assertThat(old.sections().get(0).figures().get(0).notes()).isEmpty();
        assertThat(Files.readString(HtmlReport.write(dir, List.of(old)))).contains("options not recorded");
    }
}
