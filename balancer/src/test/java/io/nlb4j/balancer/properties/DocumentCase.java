package io.nlb4j.balancer.properties;

import io.nlb4j.balancer.properties.Docs.Node;
import io.nlb4j.config.ConfigFormat;
import io.nlb4j.config.SpecFiles;
import io.nlb4j.model.LoadBalancerSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A mutated specification document: a valid specification, written by {@link SpecFiles}, parsed into a
 * {@link Docs} tree, changed by tree mutations, written again in a format (YAML with plain words or quoted ones,
 * block and flow collections), then changed by text mutations and, for a file, byte mutations.
 *
 * @param base the valid specification mutated
 * @param format the format written
 * @param plain whether YAML writes simple strings plain
 * @param flowSeed where YAML writes flow collections
 * @param tree the tree mutations, in order
 * @param text the text mutations, in order
 * @param bytes the byte mutations; not empty means the document is read from a file
 */
record DocumentCase(LoadBalancerSpec base, ConfigFormat format, boolean plain, long flowSeed,
                    List<Mutations.TreeMutation> tree, List<Mutations.TextMutation> text,
                    List<Mutations.ByteMutation> bytes) {

    /** A case of up to a few mutations of each kind; {@code forRun} keeps to what a runnable spec may change. */
    static DocumentCase generate(Random r, LoadBalancerSpec base, boolean forRun) {
        ConfigFormat format = r.nextBoolean() ? ConfigFormat.YAML : ConfigFormat.JSON;
        List<Mutations.TreeMutation> tree = new ArrayList<>();
        List<Mutations.TextMutation> text = new ArrayList<>();
        List<Mutations.ByteMutation> bytes = new ArrayList<>();
        int treeCount = forRun ? r.nextInt(3) : r.nextInt(4);
        for (int i = 0; i < treeCount; i++) {
            tree.add(Mutations.tree(r, forRun));
        }
        if (!forRun) {
            int textCount = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0;
            for (int i = 0; i < textCount; i++) {
                text.add(Mutations.text(r));
            }
            if (r.nextInt(8) == 0) {
                int n = 1 + r.nextInt(2);
                for (int i = 0; i < n; i++) {
                    bytes.add(Mutations.bytes(r));
                }
            }
        }
        return new DocumentCase(base, format, !forRun && r.nextInt(3) == 0, r.nextLong(), tree, text, bytes);
    }

    /** The document's text, before any byte mutation. */
    String render() {
        Node root = Docs.parseJson(SpecFiles.write(base, ConfigFormat.JSON));
        for (Mutations.TreeMutation m : tree) {
            m.apply(root);
        }
        String out = format == ConfigFormat.JSON ? Docs.toJson(root) : Docs.toYaml(root, new Random(flowSeed), plain);
        for (Mutations.TextMutation m : text) {
            out = m.apply(out);
        }
        return out;
    }

    /** The file's bytes. */
    byte[] renderBytes() {
        byte[] b = render().getBytes(StandardCharsets.UTF_8);
        for (Mutations.ByteMutation m : bytes) {
            b = m.apply(b);
        }
        return b;
    }

    boolean unmutated() {
        return tree.isEmpty() && text.isEmpty() && bytes.isEmpty() && !plain;
    }

    /** Smaller cases: a mutation fewer, a mutation simpler, plain quoting, a smaller base. */
    Stream<DocumentCase> shrink(Predicate<String> basePathAllowed) {
        List<DocumentCase> out = new ArrayList<>();
        for (int i = 0; i < tree.size(); i++) {
            List<Mutations.TreeMutation> t = new ArrayList<>(tree);
            t.remove(i);
            out.add(new DocumentCase(base, format, plain, flowSeed, t, text, bytes));
        }
        for (int i = 0; i < text.size(); i++) {
            List<Mutations.TextMutation> t = new ArrayList<>(text);
            t.remove(i);
            out.add(new DocumentCase(base, format, plain, flowSeed, tree, t, bytes));
        }
        for (int i = 0; i < bytes.size(); i++) {
            List<Mutations.ByteMutation> b = new ArrayList<>(bytes);
            b.remove(i);
            out.add(new DocumentCase(base, format, plain, flowSeed, tree, text, b));
        }
        if (plain) {
            out.add(new DocumentCase(base, format, false, flowSeed, tree, text, bytes));
        }
        for (int i = 0; i < tree.size(); i++) {
            Mutations.TreeMutation simpler = tree.get(i).simpler();
            if (simpler != null) {
                List<Mutations.TreeMutation> t = new ArrayList<>(tree);
                t.set(i, simpler);
                out.add(new DocumentCase(base, format, plain, flowSeed, t, text, bytes));
            }
        }
        for (int i = 0; i < text.size(); i++) {
            Mutations.TextMutation simpler = text.get(i).simpler();
            if (simpler != null) {
                List<Mutations.TextMutation> t = new ArrayList<>(text);
                t.set(i, simpler);
                out.add(new DocumentCase(base, format, plain, flowSeed, tree, t, bytes));
            }
        }
        Stream<DocumentCase> smallerBase = SpecShrink.candidates(base, basePathAllowed)
                .map(b -> new DocumentCase(b, format, plain, flowSeed, tree, text, bytes));
        return Stream.concat(out.stream(), smallerBase);
    }

    String describe() {
        String shown;
        try {
            shown = Docs.visible(render(), 5000);
        } catch (RuntimeException e) {
            shown = "(cannot render: " + e + ')';
        }
        return format + (plain ? " (plain words)" : "") + (bytes.isEmpty() ? " text" : " file") + "\n"
                + "tree mutations: " + tree + "\n"
                + "text mutations: " + text + "\n"
                + (bytes.isEmpty() ? "" : "byte mutations: " + bytes.stream().map(Object::toString)
                .collect(Collectors.joining(", ")) + "\n")
                + "document:\n" + shown;
    }
}
