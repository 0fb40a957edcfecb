package io.nlb4j.membership.file;

import io.nlb4j.membership.MembershipProvider;
import io.nlb4j.membership.MembershipProviderFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code file} provider: {@code servers: {provider: {type: file, properties: {path: FILE}}}}, a relative path
 * being relative to the working directory. See {@link FileMembershipProvider}.
 */
public final class FileMembershipProviderFactory implements MembershipProviderFactory {

    /** The type name. */
    public static final String TYPE = "file";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> check(Map<String, String> properties) {
        List<String> problems = MembershipProviderFactory.unknownProperties(properties, List.of("path"));
        String path = properties.get("path");
        if (path == null || path.isBlank()) {
            problems.add("path: " + (path == null ? "missing" : "\"" + path + '"')
                    + " (expected: the file that lists the servers)");
        } else {
            try {
                Path.of(path);
            } catch (InvalidPathException e) {
                problems.add("path: \"" + path + "\" (expected: a file path; " + e.getReason() + ')');
            }
        }
        return problems;
    }

    @Override
    public MembershipProvider create(Map<String, String> properties) {
        List<String> problems = check(properties);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new FileMembershipProvider(Path.of(properties.get("path")));
    }
}
