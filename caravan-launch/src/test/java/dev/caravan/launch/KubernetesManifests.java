package dev.caravan.launch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every object of the manifests in {@code deploy/kubernetes}, parsed into fabric8's Kubernetes object model, and
 * the lookups the checks need (workloads, Services, ConfigMaps by name).
 *
 * <p>Strict: fabric8's model classes keep fields they do not know in {@code additionalProperties} (a Jackson
 * any-setter) so that a client survives newer servers; for our own manifests a field the model does not know is a
 * typo the API server would reject (or, with client-side apply, silently drop), so any-setters are switched off and
 * Jackson's FAIL_ON_UNKNOWN_PROPERTIES names the field. A kind or apiVersion the model does not know parses as a
 * {@link GenericKubernetesResource}, which is refused too.
 */
record KubernetesManifests(List<HasMetadata> objects) {
    static final Path DIR = Path.of("..", "deploy", "kubernetes");

    /** A pod template and what owns it. */
    record Workload(String kind, String name, LabelSelector selector, PodTemplateSpec template) {
        /** A pod name the workload's pods may have, for {@code metadata.name} in the downward API. */
        String samplePodName() {
            return kind.equals("StatefulSet") ? name + "-0" : name + "-5d8f9c7b6-x2x9z";
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels();
        }
    }

    /** Any-setters off: see the class comment. Jackson's introspectors are Serializable; nothing serializes this one. */
    private static final class NoAnySetters extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasAnySetter(Annotated a) {
            return Boolean.FALSE;
        }
    }

    private static final ObjectMapper STRICT = YAMLMapper.builder()
            .annotationIntrospector(new NoAnySetters())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    static KubernetesManifests loadAll() throws IOException {
        List<HasMetadata> all = new ArrayList<>();
        for (Path file : files()) {
            try (Reader r = Files.newBufferedReader(file)) {
                List<HasMetadata> objects = parse(r, file.toString());
                assertThat(objects).as("objects in %s", file).isNotEmpty();
                all.addAll(objects);
            }
        }
        return new KubernetesManifests(List.copyOf(all));
    }

    static List<HasMetadata> parse(String yaml) throws IOException {
        return parse(new StringReader(yaml), "inline YAML");
    }

    /** Every document of one YAML stream. @throws IOException naming the first field the model does not know */
    static List<HasMetadata> parse(Reader yaml, String source) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        try (MappingIterator<KubernetesResource> it = STRICT.readerFor(KubernetesResource.class).readValues(yaml)) {
            while (it.hasNext()) {
                KubernetesResource r = it.nextValue();
                assertThat(r).as("an object in %s", source).isInstanceOf(HasMetadata.class)
                        .isNotInstanceOf(GenericKubernetesResource.class);
                HasMetadata o = (HasMetadata) r;
                assertThat(o.getMetadata()).as("metadata of a %s in %s", o.getKind(), source).isNotNull();
                assertThat(o.getMetadata().getName()).as("name of a %s in %s", o.getKind(), source).isNotBlank();
                out.add(o);
            }
        }
        return out;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<Workload> workloads() {
        List<Workload> out = new ArrayList<>();
        for (StatefulSet s : all(StatefulSet.class)) {
            out.add(new Workload("StatefulSet", s.getMetadata().getName(), s.getSpec().getSelector(), s.getSpec().getTemplate()));
        }
        for (Deployment d : all(Deployment.class)) {
            out.add(new Workload("Deployment", d.getMetadata().getName(), d.getSpec().getSelector(), d.getSpec().getTemplate()));
        }
        return out;
    }

    ConfigMap configMap(String name) {
        return all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name + " in " + DIR));
    }

    Service service(String name) {
        return all(Service.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + name + " in " + DIR));
    }

    /** The workloads whose pods {@code selector} (a Service's or a selector's matchLabels) selects. */
    List<Workload> selectedBy(Map<String, String> selector) {
        assertThat(selector).as("a selector").isNotEmpty();
        return workloads().stream().filter(w -> w.podLabels().entrySet().containsAll(selector.entrySet())).toList();
    }
}
