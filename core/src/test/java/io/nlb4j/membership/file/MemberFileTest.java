package io.nlb4j.membership.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.membership.Member;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a file of servers may hold, and what a broken one is told. */
class MemberFileTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aTextFileHoldsOneServerPerLineWithOptionalWeightsCommentsAndBlankLines() throws Exception {
        Path f = write("servers.txt", """
                # the web tier
                10.0.0.5:8080
                10.0.0.6:8080 3   # bigger box

                [::1]:9000 2
                web-7.internal:80
                """);
        assertThat(MemberFile.read(f)).containsExactly(new Member("10.0.0.5", 8080, 1),
                new Member("10.0.0.6", 8080, 3), new Member("::1", 9000, 2), new Member("web-7.internal", 80, 1));
    }

    @Test
    void aBadLineIsNamedWithItsFileAndNumberAndWhatWasExpected() throws Exception {
        Path f = write("servers.txt", "10.0.0.5:8080\n10.0.0.6\n");
        assertThatThrownBy(() -> MemberFile.read(f)).isInstanceOf(MemberFile.BadFile.class)
                .hasMessage(f + ":2: \"10.0.0.6\" (expected: HOST:PORT, such as 10.0.0.5:8080)");
        Path g = write("weights.txt", "10.0.0.5:8080 heavy\n");
        assertThatThrownBy(() -> MemberFile.read(g)).hasMessage(g + ":1: \"10.0.0.5:8080 heavy\" (expected: a"
                + " weight of 1-100 after the address)");
        Path h = write("ports.txt", "\n\n10.0.0.5:70000\n");
        assertThatThrownBy(() -> MemberFile.read(h)).hasMessage(h + ":3: \"10.0.0.5:70000\" (expected: a port of"
                + " 1-65535 after the colon)");
        Path i = write("v6.txt", "::1:80\n");
        assertThatThrownBy(() -> MemberFile.read(i)).hasMessage(i + ":1: \"::1:80\" (expected: an IPv6 address in"
                + " brackets, such as [::1]:8080)");
    }

    @Test
    void yamlAndJsonFilesHoldAListOfAddressPortAndWeight() throws Exception {
        Path y = write("servers.yaml", """
                - {address: 10.0.0.5, port: 8080}
                - {address: 10.0.0.6, port: 8080, weight: 5}
                """);
        assertThat(MemberFile.read(y)).containsExactly(new Member("10.0.0.5", 8080, 1), new Member("10.0.0.6", 8080,
                5));
        Path j = write("servers.json", "[{\"address\": \"10.0.0.7\", \"port\": 81}]");
        assertThat(MemberFile.read(j)).containsExactly(new Member("10.0.0.7", 81, 1));
        assertThat(MemberFile.read(write("empty.yaml", ""))).isEmpty();
    }

    @Test
    void aBadStructuredFileIsNamedByItsEntry() throws Exception {
        Path y = write("servers.yaml", "- {address: 10.0.0.5, port: 0}\n");
        assertThatThrownBy(() -> MemberFile.read(y)).hasMessage(y + ": [0].port: 0 (expected: a port of 1-65535)");
        Path z = write("extra.yaml", "- {address: 10.0.0.5, port: 80, zone: a}\n");
        assertThatThrownBy(() -> MemberFile.read(z)).hasMessage(z
                + ": [0].zone: unknown (expected: address, port or weight)");
        Path j = write("broken.json", "[{\"address\": ");
        assertThatThrownBy(() -> MemberFile.read(j)).hasMessageStartingWith(j + ":1: not valid JSON");
        Path m = write("map.yaml", "address: 10.0.0.5\n");
        assertThatThrownBy(() -> MemberFile.read(m)).hasMessage(m + ": object (expected: a list of {address, port,"
                + " weight})");
    }

    @Test
    void theFactoryChecksItsProperties() {
        FileMembershipProviderFactory f = new FileMembershipProviderFactory();
        assertThat(f.type()).isEqualTo("file");
        assertThat(f.check(Map.of())).containsExactly("path: missing (expected: the file that lists the servers)");
        assertThat(f.check(Map.of("path", "x", "pth", "y"))).containsExactly("pth: unknown (expected: path)");
        assertThatThrownBy(() -> f.create(Map.of("path", dir.resolve("absent.txt").toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("path: " + dir.resolve("absent.txt") + ": cannot be read (NoSuchFileException");
    }
}
