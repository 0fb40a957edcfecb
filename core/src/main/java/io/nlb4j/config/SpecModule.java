package io.nlb4j.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.nlb4j.group.InstanceFactory;
import io.nlb4j.group.InstanceLauncher;
import io.nlb4j.group.InstanceLaunchers;
import io.nlb4j.group.ProcessLauncher;
import io.nlb4j.model.Durations;
import io.nlb4j.model.ProviderSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Jackson bindings for the parts of a specification that are not plain records. */
final class SpecModule extends SimpleModule {

    private static final long serialVersionUID = 1L;

    static final String DURATION_EXPECTED = "a duration such as 250ms, 30s, 5m, 1h or PT30S";
    static final String LAUNCHER_EXPECTED = "an object with exactly one of inProcess (a class name) or process";

    SpecModule() {
        super("nlb4j-spec");
        addSerializer(Duration.class, new DurationSerializer());
        addDeserializer(Duration.class, new DurationDeserializer());
        addSerializer(InstanceLauncher.class, new LauncherSerializer());
        addDeserializer(InstanceLauncher.class, new LauncherDeserializer());
        addSerializer(ProviderSpec.class, new ProviderSerializer());
        addDeserializer(ProviderSpec.class, new ProviderDeserializer());
    }

    private static final class DurationSerializer extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(Durations.format(value));
        }
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null || p.currentToken() != JsonToken.VALUE_STRING) {
                throw InvalidFormatException.from(p, p.getText() + " (expected: " + DURATION_EXPECTED + ')',
                        p.getText(), Duration.class);
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
            }
        }
    }

    private static final class LauncherSerializer extends JsonSerializer<InstanceLauncher> {
        @Override
        public void serialize(InstanceLauncher value, JsonGenerator gen, SerializerProvider serializers)
                throws IOException {
            if (value instanceof ProcessLauncher) {
                gen.writeStartObject();
                ProcessLauncher pl = (ProcessLauncher) value;
                gen.writeObjectFieldStart("process");
                gen.writeFieldName("command");
                gen.writeStartArray();
                for (String arg : pl.command()) {
                    gen.writeString(arg);
                }
                gen.writeEndArray();
                if (!pl.environment().isEmpty()) {
                    gen.writeObjectField("environment", new java.util.TreeMap<>(pl.environment()));
                }
                if (pl.workingDirectory().isPresent()) {
                    gen.writeStringField("workingDirectory", pl.workingDirectory().get());
                }
                gen.writeStringField("readyTimeout", Durations.format(pl.readyTimeout()));
                gen.writeStringField("stopGracePeriod", Durations.format(pl.stopGracePeriod()));
                gen.writeEndObject();
                gen.writeEndObject();
                return;
            }
            if (value instanceof InstanceLaunchers.InProcessLauncher) {
                Optional<Class<? extends InstanceFactory>> factoryClass =
                        ((InstanceLaunchers.InProcessLauncher) value).factoryClass();
                if (factoryClass.isPresent()) {
                    gen.writeStartObject();
                    gen.writeStringField("inProcess", factoryClass.get().getName());
                    gen.writeEndObject();
                    return;
                }
            }
            throw JsonMappingException.from(gen, value + " (expected: a process launcher or an in-process launcher"
                    + " made from a class; a launcher made from a lambda or object cannot be written to a file)");
        }
    }

    private static final class LauncherDeserializer extends JsonDeserializer<InstanceLauncher> {
        @Override
        public InstanceLauncher deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw InvalidFormatException.from(p, p.getText() + " (expected: " + LAUNCHER_EXPECTED + ')',
                        p.getText(), InstanceLauncher.class);
            }
            InstanceLauncher launcher = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                if (launcher != null) {
                    throw InvalidFormatException.from(p, field + " (expected: " + LAUNCHER_EXPECTED + ')',
                            field, InstanceLauncher.class);
                }
                if ("process".equals(field)) {
                    launcher = ctxt.readValue(p, ProcessLauncher.class);
                } else if ("inProcess".equals(field)) {
                    launcher = inProcess(p);
                } else {
                    throw UnrecognizedPropertyException.from(p, InstanceLauncher.class, field,
                            List.<Object>of("inProcess", "process"));
                }
            }
            if (launcher == null) {
                throw InvalidFormatException.from(p, "{} (expected: " + LAUNCHER_EXPECTED + ')', "{}",
                        InstanceLauncher.class);
            }
            return launcher;
        }

        private static InstanceLauncher inProcess(JsonParser p) throws IOException {
            String name = p.getValueAsString();
            String expected = " (expected: the name of a class implementing " + InstanceFactory.class.getName()
                    + " with a public no-argument constructor)";
            if (name == null) {
                throw InvalidFormatException.from(p, p.getText() + expected, p.getText(), InstanceLauncher.class);
            }
            Class<?> type;
            try {
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                type = Class.forName(name, false, loader != null ? loader : SpecModule.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw InvalidFormatException.from(p, '"' + name + '"' + expected + "; class not found", name,
                        InstanceLauncher.class);
            }
            if (!InstanceFactory.class.isAssignableFrom(type)) {
                throw InvalidFormatException.from(p, '"' + name + '"' + expected + "; it does not implement it",
                        name, InstanceLauncher.class);
            }
            try {
                return InstanceLaunchers.inProcess(type.asSubclass(InstanceFactory.class));
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, '"' + name + '"' + expected, name, InstanceLauncher.class);
            }
        }
    }

    private static final class ProviderSerializer extends JsonSerializer<ProviderSpec> {
        @Override
        public void serialize(ProviderSpec value, JsonGenerator gen, SerializerProvider serializers)
                throws IOException {
            if (value.instance().isPresent()) {
                throw JsonMappingException.from(gen, value.instance().get() + " (expected: a provider given by type"
                        + " and properties; a provider given as an object cannot be written to a file)");
            }
            gen.writeStartObject();
            gen.writeStringField("type", value.type());
            if (!value.properties().isEmpty()) {
                gen.writeObjectField("properties", value.properties());
            }
            gen.writeEndObject();
        }
    }

    private static final class ProviderDeserializer extends JsonDeserializer<ProviderSpec> {
        @Override
        public ProviderSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw InvalidFormatException.from(p, p.getText() + " (expected: an object with type and properties)",
                        p.getText(), ProviderSpec.class);
            }
            String type = null;
            Map<String, String> properties = Map.of();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                if ("type".equals(field)) {
                    type = ctxt.readValue(p, String.class);
                } else if ("properties".equals(field)) {
                    properties = ctxt.readValue(p, TypeFactory.defaultInstance()
                            .constructMapType(Map.class, String.class, String.class));
                } else {
                    throw UnrecognizedPropertyException.from(p, ProviderSpec.class, field,
                            List.<Object>of("type", "properties"));
                }
            }
            return new ProviderSpec(type, properties, Optional.empty());
        }
    }
}
