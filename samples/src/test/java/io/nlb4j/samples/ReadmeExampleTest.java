package io.nlb4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.AvailabilityGroup;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.HealthCheck;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.InstanceTemplate;
import io.nlb4j.model.Listener;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Scheduling;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.SpecValidationException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README's examples compiled, run and true. The Java example is a whole compilation unit with its
 * imports; it is compiled here against the load balancer's artifact and its dependencies only (not this module's
 * classes), as a user who adds the README's Maven dependency would compile it, then run.
 */
class ReadmeExampleTest {

    private static final Path README = Path.of("..", "README.md");

    @TempDir
    static Path classes;
    private static Class<?> example;

    @BeforeAll
    static void compileTheReadmeExample() throws Exception {
        Path source = classes.resolve("WebLoadBalancer.java");
        Files.writeString(source, block(Files.readString(README), "example", "java"));
        // This module's own classes (EchoServer, the runner) and the runner's picocli are what a user would not have.
        List<Path> own = List.of(Path.of("target", "classes").toAbsolutePath(),
                Path.of("target", "test-classes").toAbsolutePath());
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !own.contains(Path.of(entry).toAbsolutePath()))
                .filter(entry -> !entry.contains(File.separator + "picocli" + File.separator))
                .collect(Collectors.joining(File.pathSeparator));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        int status = javac.run(null, null, new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                diagnostics.write(b);
            }
        }), "-classpath", classpath, "-d", classes.toString(), "-Xlint:all", "-Werror", source.toString());
        assertThat(status).as("javac on the README example:%n%s", diagnostics).isZero();
        ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ReadmeExampleTest.class.getClassLoader());
        example = Class.forName("WebLoadBalancer", true, loader);
    }

    private static LoadBalancerSpec exampleSpec() throws Exception {
        return (LoadBalancerSpec) example.getMethod("spec").invoke(null);
    }

    @Test
    void readmeJavaExampleRuns() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Method main = example.getMethod("main", String[].class);
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        // "hello" can only come back from an instance of the group, through the listener.
        assertThat(printed.toString(StandardCharsets.UTF_8).trim()).isEqualTo("hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("nlb4j-web-lb")));
        LoadBalancerSpec spec = exampleSpec();
        assertThat(spec.listeners()).hasSize(1);
        BackendService web = spec.listeners().get(0).backendService();
        assertThat(web.scheduling()).isEqualTo(Scheduling.WEIGHTED_LEAST_CONNECTIONS);
        assertThat(web.sessionPersistence().timeout()).isEqualTo(Duration.ofMinutes(24));
        assertThat(((ServerSource.Group) web.servers()).group().capacity().desired()).isEqualTo(3);
    }

    @Test
    void readmeYamlIsTheSameLoadBalancer() throws Exception {
        LoadBalancerSpec fromYaml = SpecFiles.read(block(Files.readString(README), "yaml", "yaml"),
                ConfigFormat.YAML, "README.md");
        InstanceLauncher yamlLauncher = InstanceLauncher.inProcess(EchoServerFactory.class);
        assertThat(fromYaml).isEqualTo(withLauncher(exampleSpec(), yamlLauncher));
        assertThat(fromYaml).isNotEqualTo(exampleSpec()); // only the launcher differs, as the text says
    }

    /** The spec with its (single) availability group's launcher replaced. */
    private static LoadBalancerSpec withLauncher(LoadBalancerSpec spec, InstanceLauncher launcher) {
        Listener l = spec.listeners().get(0);
        BackendService s = l.backendService();
        AvailabilityGroup g = ((ServerSource.Group) s.servers()).group();
        AvailabilityGroup g2 = g.toBuilder().template(g.template().toBuilder().launcher(launcher)).build();
        return spec.toBuilder().clearListeners()
                .listener(l.toBuilder().backendService(s.toBuilder().availabilityGroup(g2))).build();
    }

    @Test
    void readmeErrorExampleIsWhatValidationSays() throws IOException {
        String expected = block(Files.readString(README), "errors", "text");
        assertThatThrownBy(() -> LoadBalancerSpec.builder("web-lb")
                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-b")
                .listener(Listener.tcp(0).backendService(BackendService.builder("web").port(9000)
                        .healthCheck(HealthCheck.tcp().interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(5)))
                        .availabilityGroup(AvailabilityGroup.builder("web-ag")
                                .region("cn-north-1").vpc("vpc-web").zones("az-a", "az-c")
                                .template(InstanceTemplate.builder("web-template")
                                        .launcher(InstanceLauncher.inProcess(EchoServerFactory.class))))))
                .build())
                .isInstanceOf(SpecValidationException.class)
                .hasMessage(expected.replace("\n", System.lineSeparator()));
    }

    static String block(String readme, String marker, String language) {
        String section = between(readme, "<!-- " + marker + ":begin -->\n", "<!-- " + marker + ":end -->");
        return between(section, "```" + language + "\n", "```").stripTrailing();
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("marker %s", start.trim()).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        assertThat(to).as("marker %s", end.trim()).isNotNegative();
        return text.substring(from + start.length(), to);
    }
}
