package io.nlb4j.membership.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nlb4j.membership.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a file of servers. A text file holds one server per line, {@code HOST:PORT} ({@code [IPV6]:PORT}) optionally
 * followed by a weight (1-100, default 1); {@code #} starts a comment and blank lines are ignored. A {@code .yaml},
 * {@code .yml} or {@code .json} file holds a list of {@code {address, port, weight}} instead.
 */
final class MemberFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private MemberFile() {
    }

    /** A file that cannot be used as it is: the message names the file, the line and what was expected. */
    static final class BadFile extends Exception {
        private static final long serialVersionUID = 1L;

        BadFile(String message) {
            super(message);
        }
    }

    static Set<Member> read(Path file) throws BadFile {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadFile(file + ": cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ')');
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return structured(file, text, YAML);
        }
        if (name.endsWith(".json")) {
            return structured(file, text, JSON);
        }
        return lines(file, text);
    }

    static Set<Member> lines(Path file, String text) throws BadFile {
        Set<Member> out = new LinkedHashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = file + ":" + (i + 1) + ": \"" + lines[i].strip() + '"';
            if (parts.length > 2) {
                throw new BadFile(where + " (expected: HOST:PORT, optionally followed by a weight, such as"
                        + " 10.0.0.5:8080 3)");
            }
            int weight = 1;
            if (parts.length == 2) {
                weight = number(parts[1], where, "a weight of 1-100 after the address");
                if (weight < 1 || weight > 100) {
                    throw new BadFile(where + " (expected: a weight of 1-100 after the address)");
                }
            }
            out.add(member(parts[0], weight, where));
        }
        return out;
    }

    private static Member member(String hostPort, int weight, String where) throws BadFile {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? "" : hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new BadFile(where + " (expected: an IPv6 address in brackets, such as [::1]:8080)");
        }
        if (host.isEmpty() || colon == hostPort.length() - 1) {
            throw new BadFile(where + " (expected: HOST:PORT, such as 10.0.0.5:8080)");
        }
        int port = number(hostPort.substring(colon + 1), where, "a port of 1-65535 after the colon");
        if (port < 1 || port > 65535) {
            throw new BadFile(where + " (expected: a port of 1-65535 after the colon)");
        }
        return new Member(host, port, weight);
    }

    private static int number(String s, String where, String expected) throws BadFile {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new BadFile(where + " (expected: " + expected + ')');
        }
    }

    private static Set<Member> structured(Path file, String text, ObjectMapper mapper) throws BadFile {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException e) {
            String at = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? ":" + j.getLocation().getLineNr() : "";
            throw new BadFile(file + at + ": not valid " + (mapper == JSON ? "JSON" : "YAML")
                    + " (expected: a list of {address, port, weight})");
        }
        Set<Member> out = new LinkedHashSet<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isArray()) {
            throw new BadFile(file + ": " + root.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " (expected: a list of {address, port, weight})");
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode n = root.get(i);
            String where = file + ": [" + i + ']';
            if (!n.isObject()) {
                throw new BadFile(where + ": " + n + " (expected: {address, port, weight})");
            }
            JsonNode address = n.get("address");
            JsonNode port = n.get("port");
            JsonNode weight = n.get("weight");
            var fields = n.fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (!f.equals("address") && !f.equals("port") && !f.equals("weight")) {
                    throw new BadFile(where + "." + f + ": unknown (expected: address, port or weight)");
                }
            }
            if (address == null || !address.isTextual() || address.asText().isBlank()) {
                throw new BadFile(where + ".address: " + address + " (expected: an address or host name)");
            }
            if (port == null || !port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535
                    || port.isTextual()) {
                throw new BadFile(where + ".port: " + port + " (expected: a port of 1-65535)");
            }
            int w = 1;
            if (weight != null) {
                if (!weight.canConvertToInt() || weight.isTextual() || weight.asInt() < 1 || weight.asInt() > 100) {
                    throw new BadFile(where + ".weight: " + weight + " (expected: 1-100)");
                }
                w = weight.asInt();
            }
            out.add(new Member(address.asText(), port.asInt(), w));
        }
        return out;
    }
}
