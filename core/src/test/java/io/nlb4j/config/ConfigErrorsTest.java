package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nlb4j.config.ConfigException.Problem;
import io.nlb4j.model.Durations;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceFactory;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files that cannot be read, one per row: each row names the one problem expected, with its path, the
 * value as shown, what was expected, and the line and column it points to (1-based; 0 when the problem
 * is not at a place in the file).
 */
class ConfigErrorsTest {

    private static final ConfigFormat YAML = ConfigFormat.YAML;
    private static final ConfigFormat JSON = ConfigFormat.JSON;

    private static final String DURATION = "a duration such as 250ms, 30s, 5m, 1h, 1d or ISO-8601 PT30S";
    private static final String SERVICE_FIELDS =
            "one of connectionDraining, healthCheck, name, port, protocol, proxyProtocol, scheduling, servers,"
            + " sessionPersistence, slowStart";
    private static final String FACTORY = "the name of a class implementing io.nlb4j.model.InstanceFactory with a"
            + " public no-argument constructor";
    private static final String EMPTY = "empty: no specification in the file";
    private static final String CONTROL = "text without control characters other than tab, line feed and carriage return";
    private static final String S = "listeners[0].backendService";
    private static final String TEMPLATE = S + ".servers.availabilityGroup.template";

    /** A factory that cannot be made from a file: its constructor is private. */
    static final class HiddenFactory implements InstanceFactory {
        private HiddenFactory() {
        }

        @Override
        public InstanceHandle start(InstanceContext context) {
            throw new UnsupportedOperationException("never started");
        }
    }

    /** A valid file; each row below is a copy of it with one mistake. Its line 8 holds the servers. */
    static final String VALID = """
            name: web-lb
            placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}
            listeners:
              - port: 8080
                backendService:
                  name: web
                  port: 9000
                  servers: {static: [{address: 10.0.0.1}]}
            """;

    /** {@link #VALID} in JSON; its line 2 holds the listener's port at column 17, line 3 the servers. */
    static final String JSON_VALID = """
            {"name": "web-lb", "placement": {"region": "cn-north-1", "vpc": "vpc-web", "zones": ["az-a"]},
             "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000,
                            "servers": {"static": [{"address": "10.0.0.1"}]}}}]}
            """;

    /** The same with an availability group; line 11 is its placement, 14 its launcher, 15 its capacity. */
    private static final String VALID_GROUP = """
            name: web-lb
            placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a, az-b]}
            listeners:
              - port: 8080
                backendService:
                  name: web
                  port: 9000
                  servers:
                    availabilityGroup:
                      name: web-ag
                      placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}
                      template:
                        name: web-template
                        launcher: {inProcess: io.nlb4j.model.Specs$NoopFactory}
                      capacity: {min: 1, desired: 2, max: 3}
            """;

    /** {@link #VALID_GROUP} with lines 11, 14 and 15 replaced, indentation included. */
    private static String group(String line11, String line14, String line15) {
        String[] lines = VALID_GROUP.split("\n");
        lines[10] = line11;
        lines[13] = line14;
        lines[14] = line15;
        return String.join("\n", lines) + "\n";
    }

    private static Arguments bad(String mistake, ConfigFormat format, String text, String path, String value,
                                 String expected, int line, int column) {
        return Arguments.of(mistake, format, text, new Problem(path, value, expected, line, column));
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                // unknown fields, at several depths
                bad("unknown top-level field", YAML, VALID.replace("name: web-lb\n", "name: web-lb\ncolour: blue\n"),
                        "colour", "unknown field", "one of cluster, listeners, name, placement, securityGroups", 2, 1),
                bad("unknown field in a backend service", YAML,
                        VALID.replace("      port: 9000\n", "      port: 9000\n      weight: 5\n"),
                        S + ".weight", "unknown field", SERVICE_FIELDS, 8, 7),
                bad("unknown field in a static server", YAML,
                        VALID.replace("{address: 10.0.0.1}", "{address: 10.0.0.1, zone: az-a}"),
                        S + ".servers.static[0].zone", "unknown field", "one of address, maxConnections, placement, port, weight", 8, 46),
                bad("unknown field in a process launcher", YAML,
                        group("          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {process: {command: [server], cwd: /tmp}}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher.process.cwd", "unknown field",
                        "one of command, environment, readyTimeout, stopGracePeriod, workingDirectory", 14, 53),
                bad("unknown field holding a list, before the known ones", YAML,
                        VALID.replace("placement: {region", "placement: {areas: [north, east], region"),
                        "placement.areas", "unknown field", "one of region, subnet, vpc, zones", 2, 13),
                bad("unknown field in JSON", JSON, """
                                {
                                  "name": "web-lb",
                                  "placement": {"region": "cn-north-1", "vpc": "vpc-web", "zones": ["az-a"], "subnets": []},
                                  "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000,
                                                 "servers": {"static": [{"address": "10.0.0.1"}]}}}]
                                }
                                """,
                        "placement.subnets", "unknown field", "one of region, subnet, vpc, zones", 3, 78),

                // wrong types
                bad("string for a port", YAML, VALID.replace("- port: 8080", "- port: http"),
                        "listeners[0].port", "\"http\"", "an integer", 4, 11),
                bad("string for a port in JSON", JSON, """
                                {"name": "web-lb", "placement": {"region": "cn-north-1", "vpc": "vpc-web", "zones": ["az-a"]},
                                 "listeners": [{"port": "http", "backendService": {"name": "web", "port": 9000,
                                                "servers": {"static": [{"address": "10.0.0.1"}]}}}]}
                                """,
                        "listeners[0].port", "\"http\"", "an integer", 2, 25),
                bad("fraction for a port", YAML, VALID.replace("- port: 8080", "- port: 8080.5"),
                        "listeners[0].port", "8080.5", "an integer", 4, 11),
                bad("true for a threshold", YAML,
                        VALID.replace("      port: 9000\n", "      port: 9000\n      healthCheck: {healthyThreshold: true}\n"),
                        S + ".healthCheck.healthyThreshold", "true", "an integer", 8, 39),
                bad("number for a duration", YAML, VALID.replace("- port: 8080\n", "- port: 8080\n    idleTimeout: 30\n"),
                        "listeners[0].idleTimeout", "30", DURATION, 5, 18),
                bad("bad duration", YAML, VALID.replace("- port: 8080\n", "- port: 8080\n    idleTimeout: 30x\n"),
                        "listeners[0].idleTimeout", "\"30x\"", DURATION, 5, 18),
                bad("bad enum value", YAML,
                        VALID.replace("      port: 9000\n", "      port: 9000\n      scheduling: RANDOM\n"),
                        S + ".scheduling", "\"RANDOM\"", "one of WEIGHTED_ROUND_ROBIN, WEIGHTED_LEAST_CONNECTIONS,"
                                + " SOURCE_IP_HASH, MAGLEV, POWER_OF_TWO_CHOICES", 8, 19),
                bad("object where a list is expected", YAML, VALID.replace("zones: [az-a]", "zones: {first: az-a}"),
                        "placement.zones", "an object", "a list", 2, 54),
                bad("string where a list is expected", YAML, VALID.replace("zones: [az-a]", "zones: az-a"),
                        "placement.zones", "\"az-a\"", "a list", 2, 54),
                bad("list where an object is expected", YAML, "- name: web-lb\n",
                        "", "a list", "an object with fields name, placement, securityGroups, listeners, cluster", 1, 1),
                bad("launcher given as a string", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: io.nlb4j.model.Specs$NoopFactory",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher", "\"io.nlb4j.model.Specs$NoopFactory\"",
                        "an object with exactly one of inProcess (a class name) or process", 14, 23),

                // not well-formed
                bad("malformed YAML", YAML, VALID.replace("      port: 9000\n", "      port: 9000\n     - oops\n"),
                        "", "malformed document (while parsing a block mapping: expected <block end>, but found"
                                + " '<block sequence start>')", "well-formed YAML or JSON", 8, 6),
                bad("tab in YAML indentation", YAML, VALID.replace("      port: 9000\n", "\tport: 9000\n"),
                        "", "malformed document (while scanning for the next token: found character '\\t(TAB)' that"
                                + " cannot start any token. (Do not use \\t(TAB) for indentation))",
                        "well-formed YAML or JSON", 7, 1),
                bad("malformed JSON", JSON, "{\"name\": \"web-lb\",\n \"placement\": {\"region\": \"cn-north-1\",}\n}\n",
                        "", "malformed document (Unexpected character '}': was expecting double-quote to"
                                + " start field name)", "well-formed YAML or JSON", 2, 39),
                bad("unclosed JSON object: the message names places without quoting the text", JSON,
                        "{\"name\": \"web-lb\"",
                        "", "malformed document (Unexpected end-of-input: expected close marker for Object (start marker at"
                                + " line 1, column 1))", "well-formed YAML or JSON", 1, 18),
                bad("two YAML documents", YAML, VALID + "---\n" + VALID,
                        "", "more content after the specification", "one YAML document or JSON value", 10, 1),
                bad("duplicate key in YAML", YAML,
                        VALID.replace("      port: 9000\n", "      port: 9000\n      port: 9001\n"),
                        S + ".port", "duplicate field", "each field given once", 8, 7),
                bad("duplicate key in JSON", JSON, "{\"name\": \"web-lb\",\n \"name\": \"api-lb\"}",
                        "name", "duplicate field", "each field given once", 2, 8),

                // launchers
                bad("inProcess class that does not exist", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {inProcess: com.example.NoSuchFactory}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher.inProcess", "\"com.example.NoSuchFactory\"",
                        FACTORY + "; no such class was found", 14, 35),
                bad("inProcess class that is not a factory", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {inProcess: java.lang.String}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher.inProcess", "\"java.lang.String\"",
                        FACTORY + "; this class does not implement it", 14, 35),
                bad("inProcess factory without a public no-argument constructor", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {inProcess: io.nlb4j.config.ConfigErrorsTest$HiddenFactory}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher.inProcess", "\"io.nlb4j.config.ConfigErrorsTest$HiddenFactory\"",
                        FACTORY + "; this class has none", 14, 35),
                bad("launcher with both inProcess and process", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {inProcess: io.nlb4j.model.Specs$NoopFactory, process: {command: [x]}}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher", "both inProcess and process",
                        "an object with exactly one of inProcess (a class name) or process", 14, 78),

                bad("wrongly typed field of a process launcher, in block style: the path keeps process", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher:\n              process:\n                command: [server]\n"
                                        + "                readyTimeout: 5",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher.process.readyTimeout", "5", DURATION, 17, 31),
                bad("wrongly typed environment of a process launcher", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {process: {command: [server], environment: {PORT: [1]}}}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher.process.environment.PORT", "a list", "a string", 14, 73),

                // missing values
                bad("backend service without name", YAML, VALID.replace("      name: web\n", ""),
                        S + ".name", "absent", "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                        6, 7),
                bad("capacity without desired", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {inProcess: io.nlb4j.model.Specs$NoopFactory}",
                                "          capacity: {min: 1, max: 3}"),
                        S + ".servers.availabilityGroup.capacity.desired", "absent", "an integer", 15, 21),
                bad("empty file", YAML, "\n  \n", "", EMPTY, "a load balancer specification", 0, 0),

                // nothing but comments, blank lines or document markers: empty, all alike
                bad("comment-only file", YAML, "# a load balancer, one day\n\n# not yet\n",
                        "", EMPTY, "a load balancer specification", 0, 0),
                bad("document marker only", YAML, "---\n", "", EMPTY, "a load balancer specification", 0, 0),
                bad("comments around a document marker", YAML, "# c\n---\n# d\n",
                        "", EMPTY, "a load balancer specification", 0, 0),
                bad("byte order mark only", JSON, "\uFEFF\n", "", EMPTY, "a load balancer specification", 0, 0),
                bad("blank JSON", JSON, " \n\t\n", "", EMPTY, "a load balancer specification", 0, 0),

                // characters no document may hold: named, at their own place
                bad("control character in a YAML value", YAML, VALID.replace("  name: web\n", "  name: we\u0001b\n"),
                        "", "control character U+0001", CONTROL, 6, 15),
                bad("NUL in a JSON string", JSON, "{\"name\": \"web\u0000-lb\"}",
                        "", "control character U+0000 (NUL)", CONTROL, 1, 14),
                bad("control character after CRLF line ends", JSON, "{\"name\": \"web-lb\",\r\n \"x\": 1,\r\n\u001b}",
                        "", "control character U+001B", CONTROL, 3, 1),
                bad("DEL in YAML", YAML, VALID.replace("vpc: vpc-web", "vpc: vpc\u007F"),
                        "", "control character U+007F", CONTROL, 2, 41),
                bad("C1 control character in JSON", JSON, "{\"name\": \"\u009b\"}",
                        "", "control character U+009B", CONTROL, 1, 11),
                bad("unpaired surrogate", YAML, "name: a\uD800b\n", "", "unpaired surrogate U+D800", CONTROL, 1, 8),

                // integers beyond an int: out of the field's range like any other, at the start of the value
                bad("port beyond any integer", YAML, VALID.replace("- port: 8080", "- port: 99999999999999999999"),
                        "listeners[0].port", "99999999999999999999", "0-65535, 0 for an ephemeral port", 4, 11),
                bad("negative port beyond any integer in JSON", JSON, JSON_VALID.replace("\"port\": 8080",
                                "\"port\": -99999999999999999999"),
                        "listeners[0].port", "-99999999999999999999", "0-65535, 0 for an ephemeral port", 2, 25),
                bad("weight 1e400 in JSON", JSON, JSON_VALID.replace("\"10.0.0.1\"}", "\"10.0.0.1\", \"weight\": 1e400}"),
                        S + ".servers.static[0].weight", "1e400", "1-100", 3, 74),
                bad("integer beyond an int where the validator states no bound for the field itself", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {inProcess: io.nlb4j.model.Specs$NoopFactory}",
                                "          capacity: {min: 99999999999999999999, desired: 2, max: 3}"),
                        S + ".servers.availabilityGroup.capacity.min", "99999999999999999999", "at most 2147483647",
                        15, 27),
                bad("capacity beyond an int", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {inProcess: io.nlb4j.model.Specs$NoopFactory}",
                                "          capacity: {min: 1, desired: 4294967296, max: 3}"),
                        S + ".servers.availabilityGroup.capacity.desired", "4294967296", "between min 1 and max 3",
                        15, 39),
                bad("port range beyond an int", YAML, VALID.replace("listeners:\n", "securityGroups: [{name: sg,"
                                + " rules: [{action: ALLOW, source: 10.0.0.0/8, ports: 99999999999999999999}]}]\nlisteners:\n"),
                        "securityGroups[0].rules[0].ports", "99999999999999999999", "ports 1-65535, first not above last",
                        3, 80),

                // nesting, for YAML and JSON alike
                bad("YAML nested deeper than the limit", YAML, "a: " + "[".repeat(40) + "]".repeat(40) + "\n",
                        "a" + "[0]".repeat(31), "document nested deeper than 32 levels",
                        "at most 32 levels of objects and lists", 1, 35),
                bad("JSON nested deeper than the limit", JSON, "{\"a\": " + "[".repeat(40) + "]".repeat(40) + "}",
                        "a" + "[0]".repeat(31), "document nested deeper than 32 levels",
                        "at most 32 levels of objects and lists", 1, 38),

                // aliases that name nothing they can
                bad("alias of no anchor: one problem, at the alias", YAML, VALID.replace("zones: [az-a]", "zones: *zs"),
                        "placement.zones", "alias *zs", "an anchor &zs defined before the alias", 2, 54),
                bad("alias inside the value it names", YAML,
                        VALID.replace("placement: {region", "placement: &pl {x: [*pl], region"),
                        "placement.x[0]", "alias *pl", "an alias of a value that does not hold it; &pl holds this alias",
                        2, 21),
                bad("alias as a field name", YAML, "name: &n web-lb\n*n : 2\n",
                        "", "an alias as a field name", "a field name: text, a number or a boolean", 2, 1),
                bad("list as a field name", YAML, "placement:\n  ? [a, b]\n  : 2\n",
                        "placement", "a list as a field name", "a field name: text, a number or a boolean", 2, 5),
                bad("merge key of a string", YAML, VALID.replace("placement: {region", "placement: {<<: north, region"),
                        "placement[\"<<\"]", "\"north\"", "an object or a list of objects to merge (YAML's merge key <<)",
                        2, 17),

                // what the parsers say of their own features is left out
                bad("plus sign in JSON", JSON, JSON_VALID.replace("\"port\": 8080", "\"port\": +8080"),
                        "", "malformed document (Unexpected character '+' in numeric value: JSON does not allow a plus"
                                + " sign before a number)", "well-formed YAML or JSON", 2, 26),
                bad("NaN in JSON", JSON, JSON_VALID.replace("\"port\": 8080", "\"port\": NaN"),
                        "", "malformed document (Non-standard token 'NaN')", "well-formed YAML or JSON", 2, 28),
                bad("comment in JSON", JSON, JSON_VALID.replace("\"port\": 8080", "\"port\": 8080 // http"),
                        "", "malformed document (Unexpected character '/': comments are not allowed in JSON)",
                        "well-formed YAML or JSON", 2, 30),

                // valid syntax, invalid specification: the same rules as builders, with lines
                bad("health check timeout not below interval", YAML, VALID.replace("      port: 9000\n",
                                "      port: 9000\n      healthCheck: {interval: 3s, timeout: 5s}\n"),
                        S + ".healthCheck.timeout", "5s", "less than interval 3s", 8, 44),
                bad("weight 0 in JSON", JSON, """
                                {
                                  "name": "web-lb",
                                  "placement": {"region": "cn-north-1", "vpc": "vpc-web", "zones": ["az-a"]},
                                  "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000,
                                                 "servers": {"static": [{"address": "10.0.0.1", "weight": 0}]}}}]
                                }
                                """,
                        S + ".servers.static[0].weight", "0", "1-100", 5, 75),
                bad("availability group in a zone the load balancer does not serve", YAML, group(
                                "          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a, az-c]}",
                                "            launcher: {inProcess: io.nlb4j.model.Specs$NoopFactory}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        S + ".servers.availabilityGroup.placement.zones[1]", "\"az-c\"", "a zone the load balancer"
                                + " serves [az-a, az-b]; this one is not served by the load balancer", 11, 71),
                bad("missing region, located at its object", YAML,
                        VALID.replace("{region: cn-north-1, vpc", "{vpc"),
                        "placement.region", "absent", "a region name such as cn-north-1", 2, 12),
                bad("wrongly typed list element, without a second problem for the element it leaves out", YAML,
                        "name: web-lb\nplacement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}\nlisteners: [5]\n",
                        "listeners[0]", "5",
                        "an object with fields name, protocol, port, idleTimeout, maxConnections, acceptProxyProtocol,"
                                + " backendService", 3, 13),
                bad("wrongly typed command element, without a second problem for the command it is left out of", YAML,
                        group("          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}",
                                "            launcher: {process: {command: [{a: 1}, x]}}",
                                "          capacity: {min: 1, desired: 2, max: 3}"),
                        TEMPLATE + ".launcher.process.command[0]", "an object", "a string", 14, 44),

                // health checks: the type chooses the fields that apply
                bad("HTTP field in a TCP check", YAML, withHealthCheck("{path: /x}"),
                        S + ".healthCheck.path", "\"/x\"", "no path: it applies to HTTP checks only", 8, 27),
                bad("active field in a NONE check", YAML, withHealthCheck("{type: NONE, interval: 5s}"),
                        S + ".healthCheck.interval", "\"5s\"",
                        "no interval: it applies to TCP, HTTP and SEND_EXPECT checks only", 8, 43),
                bad("SEND_EXPECT field in an HTTP check, before the type", YAML,
                        withHealthCheck("{send: PING, type: HTTP}"),
                        S + ".healthCheck.send", "\"PING\"", "no send: it applies to SEND_EXPECT checks only", 8, 27),
                bad("expect in a TCP check", YAML, withHealthCheck("{expect: ok}"),
                        S + ".healthCheck.expect", "\"ok\"", "no expect: it applies to SEND_EXPECT and HTTP checks only",
                        8, 29),
                bad("unknown health check type: its other fields are not judged", YAML,
                        withHealthCheck("{type: GRPC, path: /x}"),
                        S + ".healthCheck.type", "\"GRPC\"", "one of TCP, HTTP, SEND_EXPECT, NONE", 8, 27),
                bad("SEND_EXPECT check without expect, located at its object", YAML,
                        withHealthCheck("{type: SEND_EXPECT, send: x}"),
                        S + ".healthCheck.expect", "absent", "a non-empty expected reply prefix", 8, 20),

                // server sources
                bad("servers without a source", YAML,
                        VALID.replace("servers: {static: [{address: 10.0.0.1}]}", "servers: {}"),
                        S + ".servers", "none", "exactly one of static, availabilityGroup or provider", 8, 16),
                bad("servers with two sources, located at the second", YAML, VALID.replace("10.0.0.1}]}\n",
                                "10.0.0.1}], provider: {type: file}}\n"),
                        S + ".servers", "static and provider", "exactly one of static, availabilityGroup or provider",
                        8, 58),

                // port ranges
                bad("port range above 65535", YAML, VALID.replace("listeners:\n", "securityGroups: [{name: sg,"
                                + " rules: [{action: ALLOW, source: 10.0.0.0/8, ports: 8000-70000}]}]\nlisteners:\n"),
                        "securityGroups[0].rules[0].ports", "8000-70000", "ports 1-65535, first not above last", 3, 80),
                bad("port range that is not one", YAML, VALID.replace("listeners:\n", "securityGroups: [{name: sg,"
                                + " rules: [{action: ALLOW, source: 10.0.0.0/8, ports: [80]}]}]\nlisteners:\n"),
                        "securityGroups[0].rules[0].ports", "a list", "a port, a range such as 8000-8100, or all", 3, 80));
    }

    /** {@link #VALID} with a health check, given in flow style, on line 8. */
    private static String withHealthCheck(String check) {
        return VALID.replace("      port: 9000\n", "      port: 9000\n      healthCheck: " + check + "\n");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badFiles")
    void reportsTheProblemWithItsPathValueAndPlace(String mistake, ConfigFormat format, String text, Problem expected) {
        String source = format.name().toLowerCase() + " text";
        assertThatThrownBy(() -> SpecFiles.read(text, format))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).containsExactly(expected);
                    assertThat(e.source()).isEqualTo(source);
                    assertThat(e.getMessage()).isEqualTo(source + ": "
                            + (expected.path().isEmpty() ? "" : expected.path() + ": ") + expected.value()
                            + " (expected: " + expected.expected() + ")"
                            + (expected.line() > 0 ? " at line " + expected.line() + ", column " + expected.column() : ""));
                });
    }

    @Test
    void theValidFilesTheRowsAreMadeFromRead() {
        assertThat(SpecFiles.read(VALID, YAML).listeners()).hasSize(1);
        assertThat(SpecFiles.read(VALID_GROUP, YAML).listeners().get(0).backendService().servers())
                .isInstanceOf(ServerSource.Group.class);
    }

    @Test
    void reportsEveryUnknownFieldTogetherInTheOrderOfTheFile() {
        String text = """
                name: web-lb
                placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a], area: north}
                listeners:
                  - port: 8080
                    backendService:
                      name: web
                      weight: 5
                      port: 9000
                      servers:
                        static:
                          - {address: 10.0.0.1, zone: az-a}
                colour: blue
                """;
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).containsExactly(
                            new Problem("placement.area", "unknown field", "one of region, subnet, vpc, zones", 2, 62),
                            new Problem(S + ".weight", "unknown field", SERVICE_FIELDS, 7, 7),
                            new Problem(S + ".servers.static[0].zone", "unknown field",
                                    "one of address, maxConnections, placement, port, weight", 11, 33),
                            new Problem("colour", "unknown field", "one of cluster, listeners, name, placement, securityGroups",
                                    12, 1));
                    assertThat(e.getMessage()).startsWith("yaml text: 4 problems:" + System.lineSeparator()
                            + "  placement.area: unknown field (expected: one of region, subnet, vpc, zones) at line 2,"
                            + " column 62" + System.lineSeparator());
                });
    }

    @Test
    void reportsProblemsOfEveryKindTogetherInTheOrderOfTheFile() {
        String text = """
                name: web-lb
                placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a], area: north}
                colour: blue
                listeners:
                  - port: eighty
                    idleTimeout: 0s
                    backendService:
                      name: web
                      weight: 5
                      scheduling: 7
                      healthCheck: {interval: 2s, timeout: 3s}
                      servers:
                        availabilityGroup:
                          name: web-ag
                          placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}
                          template: {name: web-template, launcher: {inProcess: io.nlb4j.model.Specs$NoopFactory}, port: 0}
                          capacity: {min: 1, max: 3}
                """;
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("placement.area", "unknown field", "one of region, subnet, vpc, zones", 2, 62),
                        new Problem("colour", "unknown field", "one of cluster, listeners, name, placement, securityGroups", 3, 1),
                        new Problem("listeners[0].port", "\"eighty\"", "an integer", 5, 11),
                        new Problem("listeners[0].idleTimeout", "0s", "a positive duration", 6, 18),
                        new Problem(S + ".weight", "unknown field", SERVICE_FIELDS, 9, 7),
                        new Problem(S + ".scheduling", "7", "one of WEIGHTED_ROUND_ROBIN, WEIGHTED_LEAST_CONNECTIONS,"
                                + " SOURCE_IP_HASH, MAGLEV, POWER_OF_TWO_CHOICES", 10, 19),
                        new Problem(S + ".healthCheck.timeout", "3s", "less than interval 2s", 11, 44),
                        new Problem(S + ".servers.availabilityGroup.capacity.desired", "absent", "an integer", 17, 21)));
    }

    @Test
    void reportsUnknownObjectsAndListsBeforeAndAfterTheLastKnownField() {
        // "areas" is read before all of placement's fields are known, "tier" after: Jackson handles them differently.
        String text = """
                {"name": "web-lb",
                 "placement": {"areas": ["north"], "region": "cn-north-1", "vpc": "vpc-web", "subnet": "net-1",
                               "zones": ["az-a"], "tier": {"level": 1}},
                 "listeners": [{"port": 8080, "backendService": {"name": "web", "port": 9000,
                                "servers": {"static": [{"address": "10.0.0.1"}]}}}]}
                """;
        String placementFields = "one of region, subnet, vpc, zones";
        assertThatThrownBy(() -> SpecFiles.read(text, JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("placement.areas", "unknown field", placementFields, 2, 16),
                        new Problem("placement.tier", "unknown field", placementFields, 3, 35)));
    }

    @Test
    void reportsUnknownFieldsTogetherWithViolations() {
        String text = VALID.replace("name: web-lb\n", "name: web-lb\ncolour: blue\n").replace("- port: 8080", "- port: -1");
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("colour", "unknown field", "one of cluster, listeners, name, placement, securityGroups", 2, 1),
                        new Problem("listeners[0].port", "-1", "0-65535, 0 for an ephemeral port", 5, 11)));
    }

    @Test
    void reportsWrongTypesTogetherWithUnknownFieldsAndViolations() {
        String text = """
                name: web-lb
                placement: {region: cn-north-1, vpc: vpc-web, zones: [az-a]}
                listeners:
                  - port: 8080
                    idleTimeout: 5x
                    backendService:
                      name: web
                      port: nine
                      colour: blue
                      scheduling: FASTEST
                      healthCheck: {interval: 1s, timeout: 2s}
                      servers:
                        static:
                          - {address: 10.0.0.1, port: 9001, weight: 0}
                """;
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(Problem::path).containsExactly(
                            "listeners[0].idleTimeout", S + ".port", S + ".colour", S + ".scheduling",
                            S + ".healthCheck.timeout", S + ".servers.static[0].weight");
                    assertThat(e.problems()).extracting(Problem::line).containsExactly(5, 8, 9, 10, 11, 14);
                    assertThat(e.problems().get(1).value()).isEqualTo("\"nine\"");
                    assertThat(e.problems().get(1).expected()).isEqualTo("an integer");
                    assertThat(e.problems().get(2).value()).isEqualTo("unknown field");
                    assertThat(e.problems().get(4).expected()).isEqualTo("less than interval 1s");
                });
    }

    // ---- files ----

    @Test
    void aMissingFileIsReportedWithItsName(@TempDir Path dir) {
        Path file = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> SpecFiles.read(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(file.toString());
                    assertThat(e.problems()).containsExactly(
                            new Problem("", "no such file", "an existing, readable YAML file", 0, 0));
                    assertThat(e.getMessage())
                            .isEqualTo(file + ": no such file (expected: an existing, readable YAML file)");
                });
    }

    @Test
    void anUnsupportedExtensionIsRejectedForReadingAndWriting(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lb.txt");
        Files.writeString(file, VALID, StandardCharsets.UTF_8);
        Problem expected = new Problem("", "\"" + file + "\"", "a file name ending in .yaml, .yml or .json", 0, 0);
        assertThatThrownBy(() -> SpecFiles.read(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(expected));

        Path toml = dir.resolve("lb.toml");
        assertThatThrownBy(() -> SpecFiles.write(Specs.full(), toml))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("", "\"" + toml + "\"", "a file name ending in .yaml, .yml or .json", 0, 0)));
        assertThat(toml).doesNotExist();
    }

    @Test
    void aFileIsReadInTheFormatOfItsExtensionAndNamedInErrors(@TempDir Path dir) throws IOException {
        Path yml = dir.resolve("lb.yml");
        Files.writeString(yml, VALID, StandardCharsets.UTF_8);
        assertThat(SpecFiles.read(yml).name()).isEqualTo("web-lb");

        Path json = dir.resolve("lb.JSON");
        Files.writeString(json, VALID, StandardCharsets.UTF_8); // YAML text in a JSON file
        assertThatThrownBy(() -> SpecFiles.read(json))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(json.toString());
                    assertThat(e.getMessage()).startsWith(json + ": malformed document (Unrecognized token 'name'");
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.expected()).isEqualTo("well-formed YAML or JSON");
                        assertThat(p.line()).isEqualTo(1);
                    });
                });
    }

    // ---- durations ----

    @ParameterizedTest
    @CsvSource({"30s, PT30S", "5m, PT5M", "1h, PT1H", "250ms, PT0.25S", "PT30S, PT30S", "2d, PT48H", "1500ms, PT1.5S"})
    void durationsReadInUnitAndIsoForms(String text, Duration expected) {
        LoadBalancerSpec spec = SpecFiles.read(VALID.replace("- port: 8080\n", "- port: 8080\n    idleTimeout: " + text + "\n"),
                YAML);
        assertThat(spec.listeners().get(0).idleTimeout()).isEqualTo(expected);
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "30       | 30",
            "'\"30\"' | \"30\"",
            "30x      | \"30x\"",
            "1.5s     | \"1.5s\"",
            "s        | \"s\"",
            "PT       | \"PT\"",
            "30 sec   | \"30 sec\""})
    void durationsWithoutAUnitOrWithAnUnknownOneAreRejected(String yamlValue, String shown) {
        String text = VALID.replace("- port: 8080\n", "- port: 8080\n    idleTimeout: " + yamlValue + "\n");
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("listeners[0].idleTimeout", shown, DURATION, 5, 18)));
        String plain = shown.startsWith("\"") ? shown.substring(1, shown.length() - 1) : shown;
        assertThatThrownBy(() -> Durations.parse(plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + plain + "\" (expected: " + DURATION + ")");
    }

    @Test
    void aDurationTooLongForJavaIsRejectedLikeAnyBadDuration() {
        String text = VALID.replace("- port: 8080\n", "- port: 8080\n    idleTimeout: 999999999999999d\n");
        assertThatThrownBy(() -> SpecFiles.read(text, YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("listeners[0].idleTimeout", "\"999999999999999d\"", DURATION, 5, 18)));
        Duration longest = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatCode(() -> Durations.parse(Durations.format(longest))).doesNotThrowAnyException();
        assertThat(Durations.parse(Durations.format(longest))).isEqualTo(longest);
    }
}
