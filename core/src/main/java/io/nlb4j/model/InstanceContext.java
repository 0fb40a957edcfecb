package io.nlb4j.model;

import java.util.Map;
import java.util.Objects;

/**
 * What a launcher is told about the instance it starts.
 *
 * @param instanceId the instance's identifier, unique within the group, such as {@code web-ag-3}
 * @param group the availability group's name
 * @param zone the availability zone the instance is placed in
 * @param host the address the instance should listen on
 * @param port the port the instance should listen on; {@code 0} lets the instance choose and report
 *        its port through {@link InstanceHandle#address()}
 * @param labels the instance template's labels
 */
public record InstanceContext(String instanceId, String group, String zone, String host, int port,
                              Map<String, String> labels) {

    /**
     * Creates a context.
     *
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the port is outside 0-65535
     */
    public InstanceContext {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(labels, "labels");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        labels = Map.copyOf(labels);
    }
}
