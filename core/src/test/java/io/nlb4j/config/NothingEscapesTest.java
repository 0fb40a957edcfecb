package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.Specs;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every field of the reference given every kind of odd value, alone and in a full specification, in both
 * formats: reading gives the specification or a {@link ConfigException} whose problems name no code, never
 * another exception.
 */
class NothingEscapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Values of every kind: wrong types, bounds, beyond an int, empty and blank, long, with control characters. */
    private static final List<String> ODD = List.of("[[]]", "{}", "null", "true", "-1", "0", "65536",
            "99999999999999999999", "-1e400", "1.5", "8080.0", "\"\"", "\" \"", "\"x\"", "\"" + "x".repeat(5000) + "\"",
            "\"\\u0000\\n\\u001b\"", "[null]", "[{}]", "{\"\": \"\"}", "{\"type\": \"HTTP\"}");

    /** Code a message must never name. */
    private static final Pattern CODE = Pattern.compile(
            "Exception|java\\.|com\\.fasterxml|org\\.yaml|jackson|snakeyaml|`|Event\\(|StreamRead|Feature",
            Pattern.CASE_INSENSITIVE);

    @Test
    void everyFieldGivenAnyValueIsReadOrReportedAsProblems() throws Exception {
        JsonNode full = JSON.readTree(SpecFiles.write(Specs.full(), ConfigFormat.JSON));
        List<String> failures = new ArrayList<>();
        int reads = 0;
        for (String path : SpecFiles.fields()) {
            for (String value : ODD) {
                String alone = nested(path, value);
                String inFull = JSON.writeValueAsString(replaced(full.deepCopy(), path, JSON.readTree(value)));
                // JSON is YAML too; the full document, slower to read, is read in one format only
                for (Object[] read : new Object[][] {{alone, ConfigFormat.JSON}, {alone, ConfigFormat.YAML},
                        {inFull, ConfigFormat.JSON}}) {
                    reads++;
                    String failure = failure((String) read[0], (ConfigFormat) read[1]);
                    if (failure != null) {
                        failures.add(read[1] + " " + path + " = " + shortened(value) + ": " + failure);
                    }
                }
            }
        }
        assertThat(reads).isGreaterThan(5_000);
        assertThat(failures).isEmpty();
    }

    /** What is wrong with how a document is read, or {@code null} if nothing is. */
    static String failure(String document, ConfigFormat format) {
        try {
            SpecFiles.read(document, format);
            return null;
        } catch (ConfigException e) {
            if (e.problems().isEmpty()) {
                return "no problem listed";
            }
            if (CODE.matcher(e.getMessage()).find()) {
                return "names code: " + e.getMessage();
            }
            for (Problem p : e.problems()) {
                if (p.toString().length() > 3 * ConfigException.MAX_SHOWN_TEXT_LENGTH + 64
                        || p.toString().contains("\n")) {
                    return "unbounded problem: " + p;
                }
            }
            return null;
        } catch (RuntimeException | Error e) {
            return "threw " + e;
        }
    }

    private static String shortened(String value) {
        return value.length() > 20 ? value.substring(0, 20) + "…" : value;
    }

    /** A JSON document holding only the given path, its lists of one element, with the value at its end. */
    static String nested(String path, String value) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (String part : path.split("\\.")) {
            boolean list = part.endsWith("[]");
            open.append("{\"").append(list ? part.substring(0, part.length() - 2) : part).append("\": ")
                    .append(list ? "[" : "");
            close.insert(0, list ? "]}" : "}");
        }
        return open + value + close;
    }

    /** The tree with the value at the path, the first element of each list on the way, made where missing. */
    private static JsonNode replaced(JsonNode root, String path, JsonNode value) {
        JsonNode node = root;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            boolean list = parts[i].endsWith("[]");
            String name = list ? parts[i].substring(0, parts[i].length() - 2) : parts[i];
            ObjectNode object = (ObjectNode) node;
            boolean last = i == parts.length - 1;
            if (last && !list) {
                object.set(name, value);
                return root;
            }
            JsonNode child = object.get(name);
            if (list) {
                if (!(child instanceof ArrayNode)) {
                    child = object.putArray(name);
                }
                ArrayNode array = (ArrayNode) child;
                if (last) {
                    if (array.isEmpty()) {
                        array.add(value);
                    } else {
                        array.set(0, value);
                    }
                    return root;
                }
                if (array.isEmpty() || !array.get(0).isObject()) {
                    array.removeAll();
                    array.addObject();
                }
                node = array.get(0);
            } else {
                if (child == null || !child.isObject()) {
                    child = object.putObject(name);
                }
                node = child;
            }
        }
        return root;
    }
}
