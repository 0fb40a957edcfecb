package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.Specs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reading files: what the bytes must be (UTF-8, not too many) and why a file cannot be read, each said in a
 * sentence with the file's name; and the arguments of the API, never {@code null}.
 */
class FileReadingTest {

    private static final String READABLE = "an existing, readable YAML file";
    private static final String UTF8 = "a text file in UTF-8";

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static byte[] concat(String before, int[] bad, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        for (int b : bad) {
            out.write(b);
        }
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void assertOneProblem(Path file, Problem expected) {
        assertThatThrownBy(() -> SpecFiles.read(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(file.toString());
                    assertThat(e.problems()).containsExactly(expected);
                    assertThat(e.getMessage()).isEqualTo(file + ": " + expected);
                });
    }

    // ---- encoding ----

    @Test
    void aByteThatIsNotUtf8IsNamedWithItsOffsetLineAndColumn() throws IOException {
        Path file = write("lb.yaml", concat("name: web", new int[] {0xFF}, "-lb\n"));
        assertOneProblem(file, new Problem("", "not valid UTF-8: byte 0xFF at byte offset 9", UTF8, 1, 10));
    }

    @Test
    void theColumnCountsCharactersNotBytes() throws IOException {
        // line 3: "région: " is 8 characters but 9 bytes; then a Latin-1 é
        Path file = write("lb.yaml", concat("name: web-lb\nplacement:\n  région: ", new int[] {0xE9}, "\n"));
        int offset = "name: web-lb\nplacement:\n  région: ".getBytes(StandardCharsets.UTF_8).length;
        assertOneProblem(file, new Problem("", "not valid UTF-8: byte 0xE9 at byte offset " + offset, UTF8, 3, 11));
    }

    @Test
    void aSequenceCutShortAtTheEndIsNamedWhole() throws IOException {
        Path file = write("lb.json", concat("{\"name\": \"web", new int[] {0xE2, 0x82}, ""));
        assertThatThrownBy(() -> SpecFiles.read(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("", "not valid UTF-8: bytes 0xE2 0x82 at byte offset 13", UTF8, 1, 14)));
    }

    @Test
    void aUtf16FileIsRecognised() throws IOException {
        Path file = write("lb.yaml", ConfigErrorsTest.VALID.getBytes(StandardCharsets.UTF_16)); // with a BOM
        assertOneProblem(file, new Problem("", "not valid UTF-8: the file starts with a UTF-16 byte order mark",
                UTF8, 1, 1));
    }

    @ParameterizedTest
    @EnumSource(ConfigFormat.class)
    void aUtf8ByteOrderMarkIsNoContent(ConfigFormat format) throws IOException {
        byte[] text = SpecFiles.write(Specs.full(), format).getBytes(StandardCharsets.UTF_8);
        Path file = write("lb." + format.name().toLowerCase(), concat("", new int[] {0xEF, 0xBB, 0xBF},
                new String(text, StandardCharsets.UTF_8)));
        assertThat(SpecFiles.read(file)).isEqualTo(Specs.full());
    }

    // ---- size ----

    @ParameterizedTest
    @EnumSource(ConfigFormat.class)
    void oneSizeLimitHoldsForBothFormatsBeforeReading(ConfigFormat format) throws IOException {
        byte[] text = SpecFiles.write(Specs.full(), format).getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(text, 20 * 1024 * 1024); // the same content, and blank to 20 MiB
        Arrays.fill(padded, text.length, padded.length, (byte) '\n');
        Path file = write("big." + format.name().toLowerCase(), padded);
        assertThatThrownBy(() -> SpecFiles.read(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("", "file is 20971520 bytes", "at most 3 MiB", 0, 0)));
    }

    @ParameterizedTest
    @EnumSource(ConfigFormat.class)
    void aFileOfExactlyTheLimitIsRead(ConfigFormat format) throws IOException {
        byte[] text = SpecFiles.write(Specs.full(), format).getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(text, SpecFiles.MAX_DOCUMENT_BYTES);
        Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        Path file = write("max." + format.name().toLowerCase(), padded);
        assertThat(SpecFiles.read(file)).isEqualTo(Specs.full());

        Path over = write("over." + format.name().toLowerCase(), Arrays.copyOf(padded, padded.length + 1));
        assertThatThrownBy(() -> SpecFiles.read(over))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("", "file is 3145729 bytes", "at most 3 MiB", 0, 0)));
    }

    @Test
    void aFileWithoutASizeIsReadNoFurtherThanTheLimit() throws IOException {
        Path zero = Path.of("/dev/zero");
        assumeThat(Files.isReadable(zero)).as("a device without end").isTrue();
        Path file = Files.createSymbolicLink(dir.resolve("endless.yaml"), zero);
        assertThatThrownBy(() -> SpecFiles.read(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("", "file is more than 3145728 bytes", "at most 3 MiB", 0, 0)));
    }

    @Test
    void textsHaveTheSameLimitInBytesOfUtf8() {
        String text = ConfigErrorsTest.VALID + "#" + "é".repeat(SpecFiles.MAX_DOCUMENT_BYTES / 2);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        assertThatThrownBy(() -> SpecFiles.read(text, ConfigFormat.YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("", "text is " + bytes + " bytes in UTF-8", "at most 3 MiB", 0, 0)));
        assertThat(SpecFiles.MAX_DOCUMENT_BYTES).isEqualTo(3 * 1024 * 1024);
    }

    // ---- why a file cannot be read ----

    @Test
    void aDirectoryIsNotAFile() throws IOException {
        Path file = Files.createDirectory(dir.resolve("conf.yaml"));
        assertOneProblem(file, new Problem("", "a directory, not a file", READABLE, 0, 0));
    }

    @Test
    void aPathThroughAFileIsNoSuchFile() throws IOException {
        Path parent = write("lb.yaml", ConfigErrorsTest.VALID.getBytes(StandardCharsets.UTF_8));
        Path file = parent.resolve("other.yaml");
        assertThatThrownBy(() -> SpecFiles.read(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> assertThat(p.value()).startsWith("no such file")));
    }

    @Test
    void aFileThatMayNotBeReadSaysPermissionDenied() throws IOException {
        Path file = write("secret.yaml", ConfigErrorsTest.VALID.getBytes(StandardCharsets.UTF_8));
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        } catch (UnsupportedOperationException e) {
            assumeThat(false).as("POSIX permissions").isTrue();
        }
        assumeThat(Files.isReadable(file)).as("a user whom permissions bind, not root").isFalse();
        assertOneProblem(file, new Problem("", "permission denied", READABLE, 0, 0));
    }

    @Test
    void everyReasonAFileCannotBeReadIsASentenceWithoutAClassName() {
        assertThat(Text.unreadable(new NoSuchFileException("/x/lb.yaml"))).isEqualTo("no such file");
        assertThat(Text.unreadable(new AccessDeniedException("/x/lb.yaml"))).isEqualTo("permission denied");
        assertThat(Text.unreadable(new NotDirectoryException("/x/lb.yaml")))
                .isEqualTo("no such file: a part of its path is a file, not a directory");
        assertThat(Text.unreadable(new FileSystemException("/x/lb.yaml", null, "Not a directory")))
                .isEqualTo("no such file: a part of its path is a file, not a directory");
        assertThat(Text.unreadable(new FileSystemException("/x/lb.yaml", null, "Is a directory")))
                .isEqualTo("a directory, not a file");
        assertThat(Text.unreadable(new FileSystemLoopException("/x/lb.yaml")))
                .isEqualTo("unreadable file: its path has a loop of symbolic links");
        assertThat(Text.unreadable(new FileSystemException("/x/lb.yaml", null, "Input/output error")))
                .isEqualTo("unreadable file: input/output error");
        assertThat(Text.unreadable(new IOException(new IllegalStateException("boom")))).isEqualTo("unreadable file");
        assertThat(Text.unreadable(new IOException())).isEqualTo("unreadable file");
    }

    // ---- null arguments ----

    /** Each public entry point given {@code null} throws a NullPointerException naming the parameter. */
    @Test
    void nullArgumentsAreNamed() {
        String text = ConfigErrorsTest.VALID;
        ConfigFormat yaml = ConfigFormat.YAML;
        assertThatThrownBy(() -> SpecFiles.read((Path) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("file");
        assertThatThrownBy(() -> SpecFiles.read(null, yaml)).isInstanceOf(NullPointerException.class)
                .hasMessage("text");
        assertThatThrownBy(() -> SpecFiles.read(text, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("format");
        assertThatThrownBy(() -> SpecFiles.read(null, yaml, "src")).isInstanceOf(NullPointerException.class)
                .hasMessage("text");
        assertThatThrownBy(() -> SpecFiles.read(text, null, "src")).isInstanceOf(NullPointerException.class)
                .hasMessage("format");
        assertThatThrownBy(() -> SpecFiles.read(text, yaml, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("source");
        assertThatThrownBy(() -> SpecFiles.write(null, yaml)).isInstanceOf(NullPointerException.class)
                .hasMessage("spec");
        assertThatThrownBy(() -> SpecFiles.write(Specs.full(), (ConfigFormat) null))
                .isInstanceOf(NullPointerException.class).hasMessage("format");
        assertThatThrownBy(() -> SpecFiles.write(null, Path.of("lb.yaml")))
                .isInstanceOf(NullPointerException.class).hasMessage("spec");
        assertThatThrownBy(() -> SpecFiles.write(Specs.full(), (Path) null))
                .isInstanceOf(NullPointerException.class).hasMessage("file");
        assertThatThrownBy(() -> ConfigFormat.of(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("file");
        assertThatThrownBy(() -> new ConfigException(null, List.of(new Problem("", "v", "e", 0, 0))))
                .isInstanceOf(NullPointerException.class).hasMessage("source");
        assertThatThrownBy(() -> new ConfigException("src", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("problems");
        assertThatThrownBy(() -> new Problem(null, "v", "e", 0, 0)).isInstanceOf(NullPointerException.class)
                .hasMessage("path");
        assertThatThrownBy(() -> new Problem("", null, "e", 0, 0)).isInstanceOf(NullPointerException.class)
                .hasMessage("value");
        assertThatThrownBy(() -> new Problem("", "v", null, 0, 0)).isInstanceOf(NullPointerException.class)
                .hasMessage("expected");
    }
}
