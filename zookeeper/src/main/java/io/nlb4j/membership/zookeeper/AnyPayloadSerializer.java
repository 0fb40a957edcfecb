package io.nlb4j.membership.zookeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;

/**
 * Reads Curator's serialized {@link ServiceInstance} whatever its payload (Spring Cloud Zookeeper's, an
 * application's own, none): only the name, id, address and ports matter here. Writes instances without a payload.
 */
final class AnyPayloadSerializer implements InstanceSerializer<Void> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public byte[] serialize(ServiceInstance<Void> instance) throws Exception {
        var o = JSON.createObjectNode();
        o.put("name", instance.getName());
        o.put("id", instance.getId());
        o.put("address", instance.getAddress());
        if (instance.getPort() != null) {
            o.put("port", instance.getPort());
        }
        if (instance.getSslPort() != null) {
            o.put("sslPort", instance.getSslPort());
        }
        o.putNull("payload");
        o.put("registrationTimeUTC", instance.getRegistrationTimeUTC());
        o.put("serviceType", instance.getServiceType().name());
        o.put("enabled", instance.isEnabled());
        return JSON.writeValueAsBytes(o);
    }

    @Override
    public ServiceInstance<Void> deserialize(byte[] bytes) throws Exception {
        JsonNode n = JSON.readTree(bytes);
        if (n == null || !n.isObject()) {
            throw new IOException("not a serialized service instance");
        }
        var b = ServiceInstance.<Void>builder().name(n.path("name").asText()).id(n.path("id").asText())
                .address(n.path("address").asText(null));
        if (n.hasNonNull("port")) {
            b.port(n.get("port").asInt());
        }
        if (n.hasNonNull("sslPort")) {
            b.sslPort(n.get("sslPort").asInt());
        }
        b.enabled(n.path("enabled").asBoolean(true));
        return b.build();
    }
}
