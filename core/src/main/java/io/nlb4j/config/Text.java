package io.nlb4j.config;

import io.nlb4j.config.ConfigException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What every document passes before it is parsed, whichever its format: a file read whole but never more than
 * {@link SpecFiles#MAX_DOCUMENT_BYTES}, decoded as strict UTF-8, and text without control characters. Each
 * refusal is a {@link ConfigException} with one sentence and, where it has one, the line and column.
 */
final class Text {

    private static final int MIB = 1024 * 1024;

    /**
     * What names code in a library's message: a qualified class name ({@code org.yaml.snakeyaml.events.AliasEvent}),
     * an exception's or error's name, or an API quoted in backticks ({@code `JsonReadFeature.ALLOW_COMMENTS`}).
     */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][\\w$]*|\\b\\w*(?:Exception|Error)\\b|`[^`]+`");

    private Text() {
    }

    // ---- files ----

    /**
     * Reads a file's bytes: its size checked before reading, and the reading itself bounded, so that a file
     * growing meanwhile or a device without a size is never read without end.
     */
    static byte[] readFile(Path file, ConfigFormat format, String source) {
        String expected = "an existing, readable " + format + " file";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new ConfigException(source, List.of(new Problem("", unreadable(e), expected, 0, 0)), e);
        }
        if (attributes.isDirectory()) {
            throw new ConfigException(source, List.of(new Problem("", "a directory, not a file", expected, 0, 0)));
        }
        if (attributes.size() > SpecFiles.MAX_DOCUMENT_BYTES) {
            throw tooLarge(source, "file is " + attributes.size() + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(SpecFiles.MAX_DOCUMENT_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigException(source, List.of(new Problem("", unreadable(e), expected, 0, 0)), e);
        }
        if (bytes.length > SpecFiles.MAX_DOCUMENT_BYTES) {
            throw tooLarge(source, "file is more than " + SpecFiles.MAX_DOCUMENT_BYTES + " bytes");
        }
        return bytes;
    }

    /** Why a file could not be read, as a sentence: never an exception's class name. */
    static String unreadable(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "no such file: a part of its path is a file, not a directory";
        }
        if (e instanceof FileSystemLoopException) {
            return "unreadable file: its path has a loop of symbolic links";
        }
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        if (reason == null || reason.isBlank() || CLASS_NAME.matcher(reason).find()) {
            return "unreadable file";
        }
        String r = reason.trim().toLowerCase(Locale.ROOT);
        if (r.equals("is a directory")) {
            return "a directory, not a file";
        }
        if (r.equals("not a directory")) {
            return "no such file: a part of its path is a file, not a directory";
        }
        if (r.contains("too many levels of symbolic links")) {
            return "unreadable file: its path has a loop of symbolic links";
        }
        return "unreadable file: " + r;
    }

    /**
     * Decodes a file's bytes as UTF-8, refusing any byte that is not: the problem names the first such byte,
     * its offset, and the line and column where it stands. A UTF-8 byte order mark at the start is left out.
     */
    static String decode(byte[] bytes, ConfigFormat format, String source) {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start); // a byte never gives more than one char
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            out.flip();
            int[] at = position(out, out.length(), format);
            throw new ConfigException(source, List.of(new Problem("", notUtf8(bytes, offset, result.length()),
                    "a text file in UTF-8", at[0], at[1])));
        }
        out.flip();
        return out.toString();
    }

    private static String notUtf8(byte[] bytes, int offset, int length) {
        if (offset == 0 && bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF
                || (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE)) {
            return "not valid UTF-8: the file starts with a UTF-16 byte order mark";
        }
        StringBuilder shown = new StringBuilder();
        for (int i = offset; i < Math.min(bytes.length, offset + Math.max(1, length)); i++) {
            shown.append(shown.length() > 0 ? " " : "").append(String.format("0x%02X", bytes[i] & 0xFF));
        }
        return "not valid UTF-8: " + (length > 1 ? "bytes " : "byte ") + shown + " at byte offset " + offset;
    }

    // ---- text ----

    /** Refuses text of more than {@link SpecFiles#MAX_DOCUMENT_BYTES} bytes in UTF-8, without encoding it. */
    static void checkSize(String text, String source) {
        long bytes = 0;
        int length = text.length();
        if ((long) length * 3 <= SpecFiles.MAX_DOCUMENT_BYTES) {
            return; // no text this short can be too long
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        if (bytes > SpecFiles.MAX_DOCUMENT_BYTES) {
            throw tooLarge(source, "text is " + bytes + " bytes in UTF-8");
        }
    }

    private static ConfigException tooLarge(String source, String size) {
        return new ConfigException(source, List.of(new Problem("", size, "at most " + bytes(SpecFiles.MAX_DOCUMENT_BYTES),
                0, 0)));
    }

    /** A number of bytes as the README says it: {@code 3 MiB}. */
    static String bytes(long n) {
        return n % MIB == 0 ? n / MIB + " MiB" : n + " bytes";
    }

    /**
     * Refuses a character no YAML document may hold, in JSON as in YAML: control characters other than tab,
     * line feed, carriage return (and YAML's next line, U+0085), unpaired surrogates, U+FFFE and U+FFFF. The
     * problem names it and gives its line and column.
     */
    static void checkCharacters(String text, ConfigFormat format, String source) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F || c == '\n' || c == '\r' || c == '\t') {
                continue; // the common case first
            }
            String refused = null;
            if (c < 0x20 || c >= 0x7F && c <= 0x9F && c != 0x85) {
                refused = "control character " + codePoint(c) + (c == 0 ? " (NUL)" : "");
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                refused = "unpaired surrogate " + codePoint(c);
            } else if (c == 0xFFFE || c == 0xFFFF) {
                refused = "non-character " + codePoint(c);
            }
            if (refused != null) {
                int[] at = position(text, i, format);
                throw new ConfigException(source, List.of(new Problem("", refused,
                        "text without control characters other than tab, line feed and carriage return",
                        at[0], at[1])));
            }
        }
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }

    /**
     * The 1-based line and column where {@code index} stands, as the parser of the format counts them: lines
     * end at a line feed, a carriage return or both, and in YAML also at U+0085, U+2028 and U+2029; YAML
     * counts columns in characters (code points), JSON in UTF-16 units.
     */
    static int[] position(CharSequence text, int index, ConfigFormat format) {
        int line = 1;
        int column = 1;
        boolean yaml = format == ConfigFormat.YAML;
        for (int i = 0; i < index; i++) {
            char c = text.charAt(i);
            boolean lineBreak = c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')
                    || yaml && (c == 0x85 || c == 0x2028 || c == 0x2029);
            if (lineBreak) {
                line++;
                column = 1;
            } else if (!(c == '\r' || yaml && Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)))) {
                column++;
            }
        }
        return new int[] {line, column};
    }

    /** Whether a message from a library names a class, a package or an API, which no problem may show. */
    static boolean namesCode(String message) {
        return CLASS_NAME.matcher(message).find();
    }
}
