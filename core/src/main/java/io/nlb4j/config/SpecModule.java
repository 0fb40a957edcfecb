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

    /** As in {@link Durations}, which reports a string it cannot parse. */
    static final String DURATION_EXPECTED = "a duration such as 250ms, 30s, 5m, 1h, 1d or ISO-8601 PT30S";
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

    /** The value a parser is at, as messages show it: a quoted string, a number, {@code a list}, {@code an object}. */
    private static String shown(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            return "an object";
        }
        if (t == JsonToken.START_ARRAY) {
            return "a list";
        }
        return t == JsonToken.VALUE_STRING ? '"' + p.getText() + '"' : p.getText();
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
                throw InvalidFormatException.from(p, shown(p) + " (expected: " + DURATION_EXPECTED + ')',
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
                throw InvalidFormatException.from(p, shown(p) + " (expected: " + LAUNCHER_EXPECTED + ')',
                        p.getText(), InstanceLauncher.class);
            }
            InstanceLauncher launcher = null;
            String first = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                if (launcher != null) {
                    String both = "both " + first + " and " + field;
                    throw InvalidFormatException.from(p, both + " (expected: " + LAUNCHER_EXPECTED + ')',
                            both, InstanceLauncher.class);
                }
                first = field;
                if ("process".equals(field)) {
                    launcher = ctxt.readValue(p, ProcessLauncher.class);
                } else if ("inProcess".equals(field)) {
                    try {
                        launcher = inProcess(p);
                    } catch (JsonMappingException e) {
                        e.prependPath(InstanceLauncher.class, field);
                        throw e;
                    }
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
            // Each message ends with ")" so that SpecFiles keeps it whole: value (expected: ...).
            String expected = " (expected: the name of a class implementing " + InstanceFactory.class.getName()
                    + " with a public no-argument constructor";
            if (name == null || p.currentToken() != JsonToken.VALUE_STRING) {
                throw InvalidFormatException.from(p, shown(p) + expected + ')', p.getText(),
                        InstanceLauncher.class);
            }
            Class<?> type;
            try {
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                type = Class.forName(name, false, loader != null ? loader : SpecModule.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw InvalidFormatException.from(p, '"' + name + '"' + expected + "; no such class was found)",
                        name, InstanceLauncher.class);
            }
            if (!InstanceFactory.class.isAssignableFrom(type)) {
                throw InvalidFormatException.from(p, '"' + name + '"' + expected + "; this class does not implement"
                        + " it)", name, InstanceLauncher.class);
            }
            try {
                return InstanceLaunchers.inProcess(type.asSubclass(InstanceFactory.class));
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, '"' + name + '"' + expected + "; this class has none)", name,
                        InstanceLauncher.class);
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
                throw InvalidFormatException.from(p, shown(p) + " (expected: an object with type and properties)",
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
