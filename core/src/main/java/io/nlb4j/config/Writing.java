package io.nlb4j.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import org.yaml.snakeyaml.DumperOptions;

/**
 * The generators {@link SpecFiles#write} writes with, made so that every text a valid specification holds reads
 * back as itself and passes {@link Text#checkCharacters}: JSON with every control character escaped, YAML with
 * quotes wherever a plain or block scalar would not read back the same.
 */
final class Writing {

    /** YAML's merge key, which a map key must not be read as. */
    private static final String MERGE_KEY = "<<";

    /** JSON: the standard escapes, and DEL and the C1 controls (U+007F-U+009F) escaped too, refused raw on reading. */
    static final JsonFactory JSON = new JsonFactoryBuilder().characterEscapes(new ControlEscapes()).build();

    /** YAML: quotes only where needed, as Jackson's {@code MINIMIZE_QUOTES} chooses, and where it falls short. */
    static final JsonFactory YAML = new QuotingYamlFactory(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .stringQuotingChecker(new Quoting()));

    private Writing() {
    }

    /**
     * Whether a YAML scalar must be double-quoted to read back as written: it holds a character the YAML reader
     * treats specially wherever it stands, so that written plain, single-quoted or as a block it would not read
     * back the same, or not at all. These are the line breaks other than the line feed (U+0085 is read as a line
     * feed or folded into a space, and a {@code :} before any of them ends a key), the other control characters,
     * and the byte order mark. Double quotes write each as an escape: {@code \N}, {@code \L}, {@code \P}, or a
     * backslash, {@code x} or {@code u} and its code in hex.
     */
    static boolean needsDoubleQuotes(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                continue; // the common case first
            }
            if (c != '\n' && Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFEFF') {
                return true;
            }
        }
        return false;
    }

    /** Escapes DEL and the C1 controls, as a backslash, {@code u} and four hex digits, besides what JSON requires. */
    private static final class ControlEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;

        private final int[] ascii;

        ControlEscapes() {
            int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
            codes[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
            this.ascii = codes;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return Character.isISOControl(ch)
                    ? new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch)) : null;
        }
    }

    /**
     * Jackson's rules for quoting, and double quotes for text with special characters (see
     * {@link #needsDoubleQuotes}) and for the key {@code <<}, which written plain is YAML's merge key.
     */
    private static final class Quoting extends StringQuotingChecker.Default {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name) || MERGE_KEY.equals(name) || needsDoubleQuotes(name);
        }

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || needsDoubleQuotes(value);
        }
    }

    /** Jackson's YAML factory, making {@link QuotingYamlGenerator}s. */
    private static final class QuotingYamlFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        QuotingYamlFactory(YAMLFactoryBuilder builder) {
            super(builder);
        }

        @Override
        protected YAMLGenerator _createGenerator(Writer out, IOContext ctxt) throws IOException {
            return new QuotingYamlGenerator(ctxt, _generatorFeatures, _yamlGeneratorFeatures, _quotingChecker,
                    _objectCodec, out, _version);
        }
    }

    /**
     * Jackson's YAML generator, which writes text holding a line feed as a literal block before it asks the
     * quoting rules: text that needs double quotes gets them, with or without line feeds.
     */
    private static final class QuotingYamlGenerator extends YAMLGenerator {
        QuotingYamlGenerator(IOContext ctxt, int jsonFeatures, int yamlFeatures, StringQuotingChecker quoting,
                             ObjectCodec codec, Writer out, DumperOptions.Version version) throws IOException {
            super(ctxt, jsonFeatures, yamlFeatures, quoting, codec, out, version);
        }

        @Override
        public void writeString(String text) throws IOException {
            if (text != null && needsDoubleQuotes(text)) {
                _verifyValueWrite("write String value");
                _writeScalar(text, "string", DumperOptions.ScalarStyle.DOUBLE_QUOTED);
            } else {
                super.writeString(text);
            }
        }
    }
}
