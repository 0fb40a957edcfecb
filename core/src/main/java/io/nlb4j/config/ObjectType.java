package io.nlb4j.config;

import io.nlb4j.config.Document.Member;
import io.nlb4j.config.Document.Node;
import io.nlb4j.config.Document.ObjectNode;
import io.nlb4j.model.SpecPath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * An object a file can hold, declared once as a table of fields, each with its name, its {@link Kind}, the
 * builder setter that reading calls and the accessor that writing reads. The same table gives the known
 * fields of unknown-field messages, the order fields are written in, and {@link SpecFiles#fields()}.
 *
 * <p>Reading an object makes its builder first, from the value of its <em>creating</em> field if it has one
 * (such as {@code name}, which the model's {@code builder(name)} takes), whatever the order of the keys; then
 * each other field is read and set. An <em>inline</em> object has no builder of its own: its fields are set
 * on the builder of the object holding it (a load balancer's {@code placement}, a backend service's
 * {@code servers}). An <em>exactly-one</em> object must hold exactly one of its fields.
 *
 * @param <B> the builder its fields are set on
 * @param <V> the value its fields are written from
 */
final class ObjectType<B, V> extends Kind<B, V> {

    /** Makes an object's builder from the value of its creating field ({@code null} when absent). */
    private record Creating<B, R, W>(String name, Kind<R, W> kind, Function<R, B> create, boolean selects) {
    }

    /** Reads a field's value into the builder of the object that holds it. */
    @FunctionalInterface
    private interface Reader<B> {
        void read(B target, Node value, String path, Binding binding);
    }

    /** Writes a field of a value; gives {@code null} for a field left out. */
    @FunctionalInterface
    private interface Writer<V> {
        Object write(V value, String path);
    }

    private record Field<B, V>(String name, Kind<?, ?> kind, Reader<B> reader, Writer<V> writer) {
    }

    private final Map<String, Field<B, V>> fields = new LinkedHashMap<>();
    private final Supplier<B> create;
    private final Creating<B, ?, ?> creating;
    private String exactlyOne;

    private ObjectType(Supplier<B> create, Creating<B, ?, ?> creating) {
        this.create = create;
        this.creating = creating;
    }

    /**
     * An object whose builder is made without arguments.
     *
     * @param values the class of the values written, for type inference
     */
    static <B, V> ObjectType<B, V> of(Class<V> values, Supplier<B> create) {
        return new ObjectType<>(create, null);
    }

    /**
     * An object whose builder is made from the value of one of its fields, such as its name.
     *
     * @param values the class of the values written, for type inference
     * @param name the creating field
     * @param kind its kind
     * @param create makes the builder; given {@code null} if the field is absent or of the wrong kind
     * @param get the field's accessor, for writing
     */
    static <B, V, R, W> ObjectType<B, V> createdBy(Class<V> values, String name, Kind<R, W> kind,
                                                   Function<R, B> create, Function<V, W> get) {
        return creator(name, kind, create, get, false);
    }

    /**
     * An object whose field {@code name} selects which builder is made, such as a health check's type. If
     * that field is of the wrong kind, no builder is made and no other field is read.
     *
     * @param values the class of the values written, for type inference
     */
    static <B, V, R, W> ObjectType<B, V> selectedBy(Class<V> values, String name, Kind<R, W> kind,
                                                    Function<R, B> create, Function<V, W> get) {
        return creator(name, kind, create, get, true);
    }

    private static <B, V, R, W> ObjectType<B, V> creator(String name, Kind<R, W> kind, Function<R, B> create,
                                                         Function<V, W> get, boolean selects) {
        ObjectType<B, V> type = new ObjectType<>(null, new Creating<>(name, kind, create, selects));
        type.fields.put(name, new Field<>(name, kind, null, writer(kind, get)));
        return type;
    }

    /**
     * An object whose fields are set on the builder of the object holding it; it is added to that object's
     * type with {@link #inline(String, ObjectType, Function)}.
     *
     * @param values the class of the values written, for type inference
     */
    static <B, V> ObjectType<B, V> inlineOf(Class<V> values) {
        return new ObjectType<>(null, null);
    }

    /**
     * Adds a field.
     *
     * @param name its name in files
     * @param kind what it holds
     * @param set the builder setter reading calls; it may throw {@link Kind.Rejected}, such as for a field
     *        that does not apply to the builder at hand ({@code path} for a TCP health check)
     * @param get the accessor writing reads; {@code null} leaves the field out
     * @return this type
     */
    <R, W> ObjectType<B, V> field(String name, Kind<R, W> kind, BiConsumer<? super B, ? super R> set,
                                  Function<? super V, ? extends W> get) {
        Reader<B> reader = (target, node, path, binding) -> {
            R value = kind.read(node, path, binding);
            if (value != null) {
                try {
                    set.accept(target, value);
                } catch (Rejected e) {
                    e.report(path, node, binding);
                }
            }
        };
        fields.put(name, new Field<>(name, kind, reader, writer(kind, get)));
        return this;
    }

    /**
     * Adds an inline object: its fields are set on this object's builder.
     *
     * @param name its name in files
     * @param type the inline object's type
     * @param get the accessor writing reads
     * @return this type
     */
    <W> ObjectType<B, V> inline(String name, ObjectType<B, W> type, Function<? super V, ? extends W> get) {
        Reader<B> reader = (target, node, path, binding) -> {
            if (node instanceof ObjectNode object) {
                type.bind(target, object, path, binding);
            } else {
                binding.reject(path, node, type.expected());
            }
        };
        fields.put(name, new Field<>(name, type, reader, writer(type, get)));
        return this;
    }

    /**
     * Requires exactly one of the fields to be given.
     *
     * @param expected what the object must be, as messages say it
     * @return this type
     */
    ObjectType<B, V> exactlyOne(String expected) {
        this.exactlyOne = expected;
        return this;
    }

    private static <V, W> Writer<V> writer(Kind<?, W> kind, Function<? super V, ? extends W> get) {
        return (value, path) -> {
            W w = get.apply(value);
            return w == null ? null : kind.write(w, path);
        };
    }

    // ---- reading ----

    @Override
    String expected() {
        return exactlyOne != null ? exactlyOne
                : "an object with fields " + String.join(", ", fields.keySet());
    }

    @Override
    B read(Node node, String path, Binding binding) {
        if (!(node instanceof ObjectNode object)) {
            binding.reject(path, node, expected());
            return null;
        }
        reportUnknownFields(object, path, binding);
        B target = create(object, path, binding);
        if (target == null) {
            binding.notBound(path);
            return null;
        }
        bindKnown(target, object, path, binding);
        return target;
    }

    /** Sets the fields of an inline object on its holder's builder. */
    private void bind(B target, ObjectNode object, String path, Binding binding) {
        reportUnknownFields(object, path, binding);
        bindKnown(target, object, path, binding);
    }

    private void reportUnknownFields(ObjectNode object, String path, Binding binding) {
        for (Member m : object.members.values()) {
            if (!fields.containsKey(m.key())) {
                binding.unknownField(at(path, m.key()), m, "one of " + fields.keySet().stream().sorted()
                        .collect(Collectors.joining(", ")));
            }
        }
    }

    private B create(ObjectNode object, String path, Binding binding) {
        return creating == null ? create.get() : create(creating, object, path, binding);
    }

    private static <B, R> B create(Creating<B, R, ?> creating, ObjectNode object, String path, Binding binding) {
        Member m = object.members.get(creating.name());
        R value = null;
        if (m != null && !m.value().isNull()) {
            value = creating.kind().read(m.value(), at(path, creating.name()), binding);
            if (value == null && creating.selects()) {
                return null;
            }
        }
        return creating.create().apply(value);
    }

    private void bindKnown(B target, ObjectNode object, String path, Binding binding) {
        List<Member> given = new ArrayList<>();
        for (Member m : object.members.values()) {
            boolean isCreating = creating != null && creating.name().equals(m.key());
            if (fields.containsKey(m.key()) && !isCreating && !m.value().isNull()) {
                given.add(m);
            }
        }
        if (exactlyOne != null && given.size() != 1) {
            if (given.isEmpty()) {
                binding.reject(path, "none", exactlyOne, object);
            } else {
                binding.reject(path, choices(given), exactlyOne, given.get(1).value());
            }
            return;
        }
        for (Member m : given) {
            String p = at(path, m.key());
            fields.get(m.key()).reader().read(target, m.value(), p, binding);
            if (exactlyOne != null && !binding.isBound(p)) {
                binding.notBound(path); // the one choice was not usable: the object has none
            }
        }
    }

    /** {@code static and availabilityGroup}, or {@code both inProcess and process} when those are all there are. */
    private String choices(Collection<Member> given) {
        List<String> names = given.stream().map(Member::key).toList();
        String last = names.get(names.size() - 1);
        String joined = String.join(", ", names.subList(0, names.size() - 1)) + " and " + last;
        return fields.size() == 2 ? "both " + joined : joined;
    }

    /** A field's path: {@code parent.name}, or {@code parent["a.b"]} for a key that is not a plain identifier. */
    private static String at(String path, String field) {
        return SpecPath.of(path, field);
    }

    // ---- writing ----

    @Override
    Object write(V value, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field<B, V> f : fields.values()) {
            Object w = f.writer().write(value, at(path, f.name()));
            boolean empty = w instanceof Collection<?> c && c.isEmpty() || w instanceof Map<?, ?> m && m.isEmpty();
            if (w != null && (!empty || exactlyOne != null)) { // the one choice is written even when empty
                out.put(f.name(), w);
            }
        }
        return out;
    }

    @Override
    void addPathsUnder(String path, Set<String> out) {
        for (Field<B, V> f : fields.values()) {
            String p = at(path, f.name());
            out.add(p);
            f.kind().addPathsUnder(p, out);
        }
    }
}
