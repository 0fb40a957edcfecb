package io.nlb4j.group;

import java.util.Map;

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
     */
    public InstanceContext {
        labels = Map.copyOf(labels);
    }
}
